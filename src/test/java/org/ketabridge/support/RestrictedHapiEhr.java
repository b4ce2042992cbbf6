package org.ketabridge.support;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ConditionalDeleteStatus;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;

/**
 * A HAPI interceptor that makes a real HAPI FHIR JPA server behave like the commercial EHRs issue 13
 * describes (Oracle Health's R4 API in particular): no transaction or batch, no conditional create,
 * update or delete, no PATCH, an update only with {@code If-Match} (HAPI itself answers a stale one
 * with 409), every request but {@code /metadata} with an access token its token endpoint issued, and
 * a CapabilityStatement that says so ({@code updateCreate: false}, {@code versioned-update}, no
 * {@code identifier} search for Observation). The front desk registers patients through the EHR's
 * own screens: here, requests with {@link #FRONT_DESK} may create them.
 *
 * <p>It records every request it let through or refused, for the test to assert what the bridge sent.
 */
@Interceptor
public class RestrictedHapiEhr {

    /** The Authorization header of the EHR's own registration screens (not the bridge). */
    public static final String FRONT_DESK = "Bearer front-desk";

    /** One request: its operation, resource type, whether it was the front desk, and the refusal (null: let through). */
    public record Seen(RestOperationTypeEnum operation, String resourceType, boolean frontDesk, String refusal) {
    }

    private final Predicate<String> validToken;
    private final List<Seen> seen = new ArrayList<>();

    /** @param validToken whether the EHR's token endpoint issued this access token and it is still valid */
    public RestrictedHapiEhr(Predicate<String> validToken) {
        this.validToken = validToken;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void check(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation == RestOperationTypeEnum.METADATA) {
            return;
        }
        String authorization = request.getHeader("Authorization");
        boolean frontDesk = FRONT_DESK.equals(authorization);
        String refusal = refusal(request, operation, authorization, frontDesk);
        synchronized (seen) {
            seen.add(new Seen(operation, request.getResourceName(), frontDesk, refusal));
        }
        if (refusal == null) {
            return;
        }
        if (refusal.startsWith("401")) {
            throw new AuthenticationException(refusal);
        }
        if (refusal.startsWith("412")) {
            throw new PreconditionFailedException(refusal);
        }
        throw new MethodNotAllowedException(refusal);
    }

    private String refusal(RequestDetails request, RestOperationTypeEnum operation, String authorization, boolean frontDesk) {
        if (!frontDesk && (authorization == null || !authorization.startsWith("Bearer ")
                || !validToken.test(authorization.substring("Bearer ".length())))) {
            return "401 no access token this EHR issued, or one that expired";
        }
        if (operation == RestOperationTypeEnum.TRANSACTION || operation == RestOperationTypeEnum.BATCH) {
            return "405 this EHR takes no transaction or batch";
        }
        if (operation == RestOperationTypeEnum.PATCH || operation == RestOperationTypeEnum.DELETE) {
            return "405 this EHR takes no " + operation.getCode();
        }
        if (operation == RestOperationTypeEnum.CREATE && request.getHeader("If-None-Exist") != null) {
            return "405 this EHR takes no conditional create";
        }
        if (operation == RestOperationTypeEnum.UPDATE) {
            if (request.getId() == null || !request.getId().hasIdPart()) {
                return "405 this EHR takes no conditional update";
            }
            if (request.getHeader("If-Match") == null) {
                return "412 an update needs If-Match with the version it replaces";
            }
        }
        return null;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void restrict(IBaseConformance generated) {
        CapabilityStatement statement = (CapabilityStatement) generated;
        for (CapabilityStatementRestComponent rest : statement.getRest()) {
            rest.getInteraction().removeIf(i -> i.getCode() == SystemRestfulInteraction.TRANSACTION
                    || i.getCode() == SystemRestfulInteraction.BATCH);
            for (CapabilityStatementRestResourceComponent r : rest.getResource()) {
                r.setConditionalCreate(false).setConditionalUpdate(false).setUpdateCreate(false)
                        .setConditionalDelete(ConditionalDeleteStatus.NOTSUPPORTED)
                        .setVersioning(ResourceVersionPolicy.VERSIONEDUPDATE);
                r.getInteraction().removeIf(i -> Set.of(TypeRestfulInteraction.PATCH, TypeRestfulInteraction.DELETE)
                        .contains(i.getCode()));
                if (r.getType().equals("Observation")) {
                    r.getSearchParam().removeIf(p -> p.getName().equals("identifier"));
                }
            }
        }
    }

    public List<Seen> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }
}
