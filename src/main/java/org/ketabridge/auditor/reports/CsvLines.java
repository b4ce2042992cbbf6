package org.ketabridge.auditor.reports;

/**
 * One CSV line of an auditor's report, for a spreadsheet: RFC 4180 quoting, CRLF, and a cell that
 * starts with = + - or @ neutralised with a leading apostrophe, so that a spreadsheet never runs a
 * value a clinic sent (a lot number, say) as a formula.
 */
final class CsvLines {

    private CsvLines() {
    }

    static void line(StringBuilder csv, String... cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                csv.append(',');
            }
            String cell = cells[i] == null ? "" : cells[i];
            if (!cell.isEmpty() && "=+-@".indexOf(cell.charAt(0)) >= 0) {
                cell = "'" + cell;
            }
            boolean quote = cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r");
            csv.append(quote ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell);
        }
        csv.append("\r\n");
    }
}
