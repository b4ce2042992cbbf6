package org.ketabridge.intake;

import java.util.List;

/**
 * What the sender gets back once the accepted records are durably stored. {@code accepted}
 * counts every valid record, {@code unchanged} those of them that repeated the stored content.
 */
public record Receipt(
        String receiptId,
        String clinicId,
        String kind,
        int accepted,
        int unchanged,
        int rejected,
        List<Rejection> rejections,
        List<LineWarning> warnings) {

    /** A warning on an accepted record: its line and id, the field, and what to look at. */
    public record LineWarning(int line, String recordId, String field, String message) {
    }
}
