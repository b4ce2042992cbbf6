package org.ketabridge.channel.hl7;

import java.time.Clock;
import org.apache.camel.Processor;
import org.apache.camel.spi.PropertiesSource;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.ketabridge.config.BridgeProperties;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.config.Secrets;
import org.ketabridge.mapping.Terminology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The HL7 v2 channel's processors, named as routes/hl7-intake.yaml refers to them. */
@Configuration(proxyBeanMethods = false)
public class Hl7Channel {

    private static final Logger log = LoggerFactory.getLogger(Hl7Channel.class);

    @Bean
    Hl7MessageReader hl7MessageReader(Terminology terminology) {
        return new Hl7MessageReader(terminology);
    }

    @Bean
    Hl7MessageIntake hl7MessageIntake(Hl7MessageReader reader, ClinicRegistry clinics,
                                      @Value("${bridge.hl7.enabled:false}") boolean listening) {
        if (listening) {
            // Said once at start: such a clinic takes records from whatever reaches the listener and names its facility.
            clinics.all().stream().filter(c -> c.hl7Facility().isPresent() && !c.hl7Senders().restricted()).forEach(c ->
                    log.warn("HL7 v2: clinic {} lists no hl7-senders: any connection to the listener may send records as"
                            + " its facility; list its interface engine's addresses (and certificates)", c.id()));
        }
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
