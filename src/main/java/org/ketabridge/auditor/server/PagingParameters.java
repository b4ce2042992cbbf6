package org.ketabridge.auditor.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The paging parameters of any /fhir request ({@code _count}, {@code _offset}, and HAPI's own
 * {@code _getpagesoffset} in page links) must be whole numbers, 0 or more, checked before HAPI
 * picks a handler. HAPI treats them differently by interaction: a search answers 400 quoting
 * the value, {@code $everything} fails with a NumberFormatException (500, logged as the
 * server's failure), a negative {@code _offset} reaches the database and fails there (500),
 * and history ignores a bad {@code _count}. One rule for all: 400, naming the parameter and
 * never echoing the value (a caller's mistake is not the server's, and its text is not ours to
 * repeat).
 */
@Interceptor
public class PagingParameters {

    static final List<String> NAMES = List.of("_count", "_offset", "_getpagesoffset");
    /** At most 9 digits: anything larger is no page size or offset, and would not fit an int. */
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[0-9]{1,9}");

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLER_SELECTED)
    public void wholeNumbersOnly(RequestDetails request) {
        for (String name : NAMES) {
            String[] values = request.getParameters().get(name);
            if (values == null) {
                continue;
            }
            for (String value : values) {
                if (!WHOLE_NUMBER.matcher(value).matches()) {
                    throw new InvalidRequestException(name + " must be a whole number, 0 or more (at most 9 digits)");
                }
            }
        }
    }
}
