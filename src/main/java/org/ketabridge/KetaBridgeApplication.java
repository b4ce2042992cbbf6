package org.ketabridge;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class KetaBridgeApplication {

    public static void main(String[] args) {
        SpringApplication.run(KetaBridgeApplication.class, args);
    }
}
