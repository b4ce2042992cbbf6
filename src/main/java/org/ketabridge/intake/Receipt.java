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
        List<Rejection> rejections) {
}
