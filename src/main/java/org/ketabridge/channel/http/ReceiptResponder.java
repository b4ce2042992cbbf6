package org.ketabridge.channel.http;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.ketabridge.intake.Receipt;
import org.ketabridge.web.JsonResponses;
import org.springframework.stereotype.Component;

/**
 * Answers an intake request with its receipt: 202 when at least one record was accepted, 422
 * when every record was refused (nothing was stored). Either way the receipt names every
 * rejected record by line and id, with each field at fault and why.
 */
@Component("receiptResponder")
public class ReceiptResponder implements Processor {

    private final JsonResponses responses;

    public ReceiptResponder(JsonResponses responses) {
        this.responses = responses;
    }

    @Override
    public void process(Exchange exchange) {
        Receipt receipt = exchange.getIn().getBody(Receipt.class);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receiptId", receipt.receiptId());
        body.put("clinicId", receipt.clinicId());
        body.put("kind", receipt.kind());
        body.put("accepted", receipt.accepted());
        body.put("unchanged", receipt.unchanged());
        body.put("rejected", receipt.rejected());
        body.put("rejections", receipt.rejections());
        body.put("warnings", receipt.warnings());
        body.put("status", "/api/v1/clinics/" + receipt.clinicId() + "/receipts/" + receipt.receiptId());
        responses.write(exchange, receipt.accepted() > 0 ? 202 : 422, body);
    }
}
