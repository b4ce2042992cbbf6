package org.ketabridge.intake;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The instruments of the contract with their score ranges (item count 0 when items are not taken). */
public enum ScoreInstrument {
    PHQ_9("PHQ-9", 27, 9, 3),
    GAD_7("GAD-7", 21, 7, 3),
    MADRS("MADRS", 60, 10, 6),
    PCL_5("PCL-5", 80, 20, 4),
    QIDS_SR16("QIDS-SR16", 27, 0, 0),
    CADSS("CADSS", 92, 23, 4),
    PAIN_NRS("pain-NRS", 10, 0, 0);

    private final String code;
    private final int maxTotal;
    private final int itemCount;
    private final int maxItem;

    ScoreInstrument(String code, int maxTotal, int itemCount, int maxItem) {
        this.code = code;
        this.maxTotal = maxTotal;
        this.itemCount = itemCount;
        this.maxItem = maxItem;
    }

    public String code() { return code; }
    public int maxTotal() { return maxTotal; }
    public int itemCount() { return itemCount; }
    public int maxItem() { return maxItem; }
    public boolean takesItems() { return itemCount > 0; }

    public static Optional<ScoreInstrument> fromCode(String code) {
        return Arrays.stream(values()).filter(i -> i.code.equals(code)).findFirst();
    }

    public static Set<String> codes() {
        return Arrays.stream(values()).map(ScoreInstrument::code).collect(Collectors.toSet());
    }
}
