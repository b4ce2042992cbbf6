package org.ketabridge.channel.hl7;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.Hl7Senders;

/**
 * Who may send as a clinic's facility, from what Camel's MLLP consumer says of a connection: the
 * socket's remote address as it prints it (IPv4, IPv6, with a host name before the slash) and the
 * client certificate's subject, in whatever spacing and case its issuer wrote.
 */
class Hl7SenderCheckTest {

    @Test
    void anAddressInAListedRangeMaySendAndOneOutsideMayNot() {
        Clinic lake = clinic(new Hl7Senders(List.of("10.20.0.0/24", "fd00::/8"), List.of()));
        assertThat(Hl7SenderCheck.refusal(lake, "/10.20.0.5:51234", null)).isEmpty();
        assertThat(Hl7SenderCheck.refusal(lake, "engine.lake/10.20.0.200:51234", null)).isEmpty();
        assertThat(Hl7SenderCheck.refusal(lake, "/[fd00:0:0:0:0:0:0:5]:51234", null)).isEmpty();
        assertThat(Hl7SenderCheck.refusal(lake, "/10.20.1.5:51234", null)).hasValueSatisfying(why ->
                assertThat(why).contains("address").contains("LAKE").contains("hl7-senders.addresses"));
        assertThat(Hl7SenderCheck.refusal(lake, null, null)).as("no address known: not taken").isPresent();
    }

    @Test
    void listedCertificatesAreComparedAsNamesNotAsText() {
        Clinic lake = clinic(new Hl7Senders(List.of(),
                List.of(new X500Principal("CN=engine.lake.example.org, O=Lake Clinic"))));
        assertThat(Hl7SenderCheck.refusal(lake, "/10.0.0.1:1", "cn=engine.lake.example.org,o=Lake Clinic")).isEmpty();
        assertThat(Hl7SenderCheck.refusal(lake, "/10.0.0.1:1", "CN=engine.desert.example.org, O=Desert Sky"))
                .hasValueSatisfying(why -> assertThat(why).contains("not one of the senders"));
        assertThat(Hl7SenderCheck.refusal(lake, "/10.0.0.1:1", null))
                .hasValueSatisfying(why -> assertThat(why).contains("missing").contains("client-auth: require"));
    }

    @Test
    void aClinicThatListsNoSendersTakesAnyConnection() {
        assertThat(Hl7SenderCheck.refusal(clinic(Hl7Senders.ANYONE), "/203.0.113.9:4000", null)).isEmpty();
    }

    @Test
    void theAddressIsReadFromTheSocketsPrintedForm() {
        assertThat(Hl7SenderCheck.hostAddress("/127.0.0.1:2575")).isEqualTo("127.0.0.1");
        assertThat(Hl7SenderCheck.hostAddress("localhost/127.0.0.1:2575")).isEqualTo("127.0.0.1");
        assertThat(Hl7SenderCheck.hostAddress("/[0:0:0:0:0:0:0:1]:2575")).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(Hl7SenderCheck.hostAddress("garbage")).isNull();
    }

    private static Clinic clinic(Hl7Senders senders) {
        return new Clinic("lake", "Lake", ZoneId.of("UTC"), "urn:ketabridge:lake", null, null, Optional.of("LAKE"), senders,
                Optional.empty(), Optional.empty());
    }
}
