package org.ketabridge.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.ketabridge.security.Caller;
import org.ketabridge.security.Role;

/** The provider's claims to the API's role and clinics: by a role and a clinics claim, or by groups; anything unclear refused. */
class ProviderClaimsTest {

    private static ConsoleOidcProperties settings(String groupsClaim) {
        return new ConsoleOidcProperties(null, "console", null, null, "Org", List.of("openid"), "preferred_username",
                "ketabridge_role", "ketabridge_clinics", groupsClaim, "ketabridge-");
    }

    private final ProviderClaims byClaims = new ProviderClaims(settings(null));
    private final ProviderClaims byGroups = new ProviderClaims(settings("groups"));

    @Test
    void aRoleAndItsClinicsMakeTheCaller() {
        Caller caller = byClaims.callerOf(Map.of("sub", "s-1", "preferred_username", "dana",
                "ketabridge_role", "clinic-it", "ketabridge_clinics", List.of("alpha", "gamma"))).caller();
        assertThat(caller).isEqualTo(new Caller("dana", Role.CLINIC_IT, Set.of("alpha", "gamma")));
        assertThat(byClaims.callerOf(Map.of("sub", "s-2", "ketabridge_role", "auditor", "ketabridge_clinics", "beta")).caller())
                .as("one clinic as a plain string; no username: the subject").isEqualTo(new Caller("s-2", Role.AUDITOR, Set.of("beta")));
        assertThat(byClaims.callerOf(Map.of("sub", "s-3", "ketabridge_role", "admin")).caller().role()).isEqualTo(Role.ADMIN);
    }

    @Test
    void groupsWithThePrefixMakeTheCallerAndOtherGroupsAreIgnored() {
        Caller caller = byGroups.callerOf(Map.of("sub", "s-4", "groups", List.of("staff", "ketabridge-role-clinic-it",
                "ketabridge-clinic-alpha", "ketabridge-clinic-beta", "other-clinic-gamma"))).caller();
        assertThat(caller).isEqualTo(new Caller("s-4", Role.CLINIC_IT, Set.of("alpha", "beta")));
    }

    @Test
    void noKnownRoleSeveralRolesOrNoClinicAreRefused() {
        assertThat(byClaims.callerOf(Map.of("sub", "s", "ketabridge_clinics", List.of("alpha"))).refusal())
                .isEqualTo(ProviderClaims.Refusal.NO_ROLE);
        assertThat(byClaims.callerOf(Map.of("sub", "s", "ketabridge_role", "root")).refusal()).isEqualTo(ProviderClaims.Refusal.NO_ROLE);
        assertThat(byGroups.callerOf(Map.of("sub", "s", "ketabridge_role", "admin")).refusal())
                .as("with groups configured, the role claim counts for nothing").isEqualTo(ProviderClaims.Refusal.NO_ROLE);
        assertThat(byGroups.callerOf(Map.of("sub", "s", "groups", List.of("ketabridge-role-auditor", "ketabridge-role-admin"))).refusal())
                .isEqualTo(ProviderClaims.Refusal.SEVERAL_ROLES);
        assertThat(byClaims.callerOf(Map.of("sub", "s", "ketabridge_role", "clinic-it", "ketabridge_clinics", List.of())).refusal())
                .isEqualTo(ProviderClaims.Refusal.NO_CLINIC);
        assertThat(byGroups.callerOf(Map.of("sub", "s", "groups", List.of("ketabridge-role-auditor"))).refusal())
                .isEqualTo(ProviderClaims.Refusal.NO_CLINIC);
    }
}
