package org.ketabridge.auditor.scope;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;

/**
 * HAPI refuses to show an export's status to a caller of another partition with "invalid
 * partition for job ...", which tells that caller the job exists. Another clinic's export is
 * answered as if it did not exist: 404.
 */
@Interceptor
public class ExportPollScope {

    private static final String OTHER_PARTITION = "HAPI-2304";

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException asIfNotThere(RequestDetails request, Throwable exception) {
        if (exception instanceof BaseServerResponseException refused && refused.getMessage() != null
                && refused.getMessage().startsWith(OTHER_PARTITION)) {
            return new ResourceNotFoundException("No such export");
        }
        return exception instanceof BaseServerResponseException e ? e : null;
    }
}
