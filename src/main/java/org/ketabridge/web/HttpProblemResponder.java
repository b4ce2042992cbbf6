package org.ketabridge.web;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** Answers a caught {@link HttpProblem} (or an unexpected failure, as 500 without internals). */
@Component("httpProblemResponder")
public class HttpProblemResponder implements Processor {

    private final JsonResponses responses;

    public HttpProblemResponder(JsonResponses responses) {
        this.responses = responses;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        HttpProblem problem = caught instanceof HttpProblem p ? p
                : new HttpProblem(500, "Internal Server Error", "The bridge could not process the request; nothing of it was stored.");
        responses.write(exchange, problem.status(), HttpProblem.MEDIA_TYPE, problem.body());
    }
}
