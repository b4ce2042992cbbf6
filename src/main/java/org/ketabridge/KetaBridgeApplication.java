package org.ketabridge;

import org.ketabridge.security.IssueTokenCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class KetaBridgeApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals(IssueTokenCommand.NAME)) {
            System.exit(IssueTokenCommand.run(args));
        }
        SpringApplication.run(KetaBridgeApplication.class, args);
    }
}
