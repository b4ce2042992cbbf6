package org.ketabridge.console;

import java.util.EnumSet;
import java.util.Set;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.ketabridge.security.Caller;
import org.ketabridge.security.Role;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;

/**
 * Which clinic a console page may show, by the API's rule ({@link Caller#runs}): clinic IT of that
 * clinic, or an admin. A clinic the caller may not see is answered as one that does not exist
 * (404, the same page whether it exists or not), so a page never tells which other clinics there
 * are; a role without clinic pages (auditor, metrics) is answered 403, as the API does.
 */
@Component
class ConsoleScope {

    private final ClinicRegistry clinics;
    private final ConsoleCallers callers;

    ConsoleScope(ClinicRegistry clinics, ConsoleCallers callers) {
        this.clinics = clinics;
        this.callers = callers;
    }

    Caller caller(Authentication authentication) {
        return callers.of(authentication).orElseThrow(() -> new ResponseStatusException(HttpStatus.FORBIDDEN));
    }

    /** The clinic the page names, if this caller may see and run it; otherwise the 404 (or 403) page. */
    Clinic clinic(Authentication authentication, String clinicId) {
        return covered(caller(authentication), clinicId, EnumSet.of(Role.CLINIC_IT, Role.ADMIN));
    }

    /** The clinic an auditor's page names (outcomes, the controlled-substance record), by /fhir's rule: auditor or admin covering it. */
    Clinic audited(Authentication authentication, String clinicId) {
        return covered(caller(authentication), clinicId, EnumSet.of(Role.AUDITOR, Role.ADMIN));
    }

    /** The clinic whose REMS forms the page shows: clinic IT, auditors and admins covering it. */
    Clinic remsForms(Authentication authentication, String clinicId) {
        return covered(caller(authentication), clinicId, EnumSet.of(Role.CLINIC_IT, Role.AUDITOR, Role.ADMIN));
    }

    /** Whether this caller may read the REMS forms of this clinic (for the links a page shows). */
    static boolean readsRemsForms(Caller caller, String clinicId) {
        return EnumSet.of(Role.CLINIC_IT, Role.AUDITOR, Role.ADMIN).contains(caller.role()) && caller.covers(clinicId);
    }

    private Clinic covered(Caller caller, String clinicId, Set<Role> roles) {
        if (!roles.contains(caller.role())) {
            throw new ResponseStatusException(HttpStatus.FORBIDDEN);
        }
        if (!caller.covers(clinicId)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        return clinics.find(clinicId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }
}
