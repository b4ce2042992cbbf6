package org.ketabridge.channel.hl7;

import java.time.Clock;
import org.apache.camel.Processor;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.Secrets;
import org.ketabridge.mapping.Terminology;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The HL7 v2 channel's processors, named as routes/hl7-intake.yaml refers to them. */
@Configuration(proxyBeanMethods = false)
public class Hl7Channel {

    @Bean
    Hl7MessageReader hl7MessageReader(Terminology terminology) {
        return new Hl7MessageReader(terminology);
    }

    @Bean
    Hl7MessageIntake hl7MessageIntake(Hl7MessageReader reader, ClinicRegistry clinics) {
        return new Hl7MessageIntake(reader, clinics);
    }

    @Bean
    Hl7Acknowledger hl7Acknowledger(Clock clock) {
        return new Hl7Acknowledger(new Hl7Acks(clock));
    }

    @Bean
    Processor hl7Answer(Hl7Acknowledger acknowledger) {
        return acknowledger.answer();
    }

    @Bean
    Processor hl7Refusal(Hl7Acknowledger acknowledger) {
        return acknowledger.refusal();
    }

    /**
     * MLLP over TLS, only while {@code bridge.hl7.tls.key-store} is set: the listener's TLS, and
     * the route option that refers to it ({@link Hl7ListenerTls#ROUTE_OPTION}).
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(prefix = "bridge.hl7.tls", name = "key-store")
    static class Tls {

        @Bean
        SSLContextParameters hl7ListenerTls(BridgeProperties properties) {
            return new Hl7ListenerTls(new Secrets(System::getenv)).parameters(properties.getHl7().getTls());
        }

        @Bean
        PropertiesSource hl7ListenerTlsOption() {
            return Hl7ListenerTls.routeOption("hl7ListenerTls");
        }
    }
}
