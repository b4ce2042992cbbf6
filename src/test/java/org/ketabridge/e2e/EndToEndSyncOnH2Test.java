package org.ketabridge.e2e;

import java.util.List;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The end-to-end scenario with the bridge's tables on H2, the default. */
// A context of its own: closed after this class, so its sync loops do not run on through the rest of the suite.
@DirtiesContext
class EndToEndSyncOnH2Test extends EndToEndSyncScenario {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> "jdbc:h2:mem:e2e;DB_CLOSE_DELAY=-1");
        clinics(registry, "north", "south");
    }

    @Override
    List<String> clinicIds() {
        return List.of("north", "south");
    }
}
