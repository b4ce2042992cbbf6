package org.ketabridge.config;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class InfrastructureConfig {

    /** One clock for the whole bridge, so that tests can move time. */
    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }
}
