package org.ketabridge.channel.hl7;

import java.time.Clock;
import org.apache.camel.Processor;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.mapping.Terminology;
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
}
