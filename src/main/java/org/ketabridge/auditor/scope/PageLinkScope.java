package org.ketabridge.auditor.scope;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.ketabridge.security.Caller;

/**
 * A page link ({@code ?_getpages=<search id>}) opens only for callers who could have run the search
 * it continues. HAPI keeps a search's results by id and hands out the next page to whoever
 * presents the id: the results were chosen within the partitions of the caller who searched, and
 * HAPI does not check them again against the caller who pages. So each search id is bound, when
 * it is first handed out (in a Bundle's links), to the scope of the caller it was handed to; a
 * caller whose scope does not include that one gets 410, as for a search that does not exist
 * (or no longer). Bindings live as long as HAPI keeps searches (kept a while after each use);
 * after a restart, links handed out before it are gone too: search again.
 */
@Interceptor
public class PageLinkScope {

    private static final Pattern PAGE_ID = Pattern.compile("[?&]" + Constants.PARAM_PAGINGACTION + "=([^&]+)");

    private record Binding(ClinicScope scope, Instant lastUsed) {
    }

    private final Set<String> clinics;
    private final Duration keptFor;
    private final Clock clock;
    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();
    private volatile Instant nextPurge = Instant.MIN;

    /** @param keptFor how long an unused binding is kept: at least as long as HAPI keeps the search */
    public PageLinkScope(Set<String> clinics, Duration keptFor, Clock clock) {
        this.clinics = Set.copyOf(clinics);
        this.keptFor = keptFor;
        this.clock = clock;
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean bindHandedOutPages(RequestDetails request, IBaseResource response) {
        if (response instanceof Bundle bundle && request.getRestOperationType() != RestOperationTypeEnum.GET_PAGE) {
            Optional<Caller> caller = Caller.current();
            for (Bundle.BundleLinkComponent link : bundle.getLink()) {
                pageId(link.getUrl()).ifPresent(id -> caller.ifPresent(c ->
                        bindings.putIfAbsent(id, new Binding(ClinicScope.of(request, c, clinics), clock.instant()))));
            }
            purgeNowAndThen();
        }
        return true;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void onlyWithinTheSearchersScope(RequestDetails request, RestOperationTypeEnum interaction) {
        if (interaction != RestOperationTypeEnum.GET_PAGE) {
            return;
        }
        String[] ids = request.getParameters().get(Constants.PARAM_PAGINGACTION);
        Binding binding = ids == null || ids.length != 1 ? null : bindings.get(ids[0]);
        Optional<Caller> caller = Caller.current();
        if (binding == null || caller.isEmpty() || expired(binding)
                || !ClinicScope.of(request, caller.get(), clinics).includes(binding.scope())) {
            throw new ResourceGoneException("This page link is not valid (or no longer): search again");
        }
        bindings.put(ids[0], new Binding(binding.scope(), clock.instant()));
    }

    private static Optional<String> pageId(String url) {
        Matcher m = url == null ? null : PAGE_ID.matcher(url);
        return m != null && m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private boolean expired(Binding binding) {
        return binding.lastUsed().plus(keptFor).isBefore(clock.instant());
    }

    private void purgeNowAndThen() {
        Instant now = clock.instant();
        if (now.isAfter(nextPurge)) {
            nextPurge = now.plus(Duration.ofMinutes(1));
            bindings.values().removeIf(this::expired);
        }
    }
}
