package org.ketabridge.web;

import org.apache.camel.Exchange;

/** The {@code {taskId}} of a clinic-IT path: a whole number, or 404 naming what was looked for. */
public final class TaskIds {

    private TaskIds() {
    }

    /** @param what what the path names, for the 404: {@code dead letter}, {@code uncertain task} */
    public static long of(Exchange exchange, String what) {
        String taskId = exchange.getIn().getHeader("taskId", String.class);
        try {
            return Long.parseLong(taskId);
        } catch (NumberFormatException e) {
            throw HttpProblem.notFound("No " + what + " '" + taskId + "'");
        }
    }
}
