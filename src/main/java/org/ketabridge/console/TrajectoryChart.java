package org.ketabridge.console;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ketabridge.auditor.reports.OutcomeTrajectory;
import org.ketabridge.intake.ScoreInstrument;

/**
 * One instrument's scores as a chart the server draws (inline SVG: no script, no library, nothing
 * fetched), in the SVG's own coordinates: the line of totals over time, a mark per score whose
 * shape says where it stands (baseline a square, response a filled circle, remission a diamond,
 * relapse a triangle, no response an open circle: shape, not colour alone), and the remission and
 * response thresholds as dashed lines. The page puts the same numbers in a table under it.
 */
record TrajectoryChart(String instrument, String title, List<Tick> yTicks, List<Tick> xTicks, String line, List<Mark> marks,
                       Threshold remission, Threshold response) {

    static final int WIDTH = 640;
    static final int HEIGHT = 260;
    static final int LEFT = 44;
    static final int RIGHT = WIDTH - 16;
    static final int TOP = 14;
    static final int BOTTOM = HEIGHT - 34;

    /** A labelled position on an axis. */
    record Tick(double at, String label) {
    }

    /** A score's mark: its position, shape ({@code rect}, {@code circle}, {@code polygon}), status, and what it says. */
    record Mark(double x, double y, String shape, String polygon, String status, String title) {
    }

    /** A dashed horizontal line at a threshold, and its label. */
    record Threshold(double y, String label) {
    }

    // The geometry, for the template (which may not read static fields).
    public int width() {
        return WIDTH;
    }

    public int height() {
        return HEIGHT;
    }

    public int left() {
        return LEFT;
    }

    public int right() {
        return RIGHT;
    }

    public int bottom() {
        return BOTTOM;
    }

    static TrajectoryChart of(OutcomeTrajectory.Series series) {
        List<OutcomeTrajectory.Point> points = series.points();
        int scaleMax = ScoreInstrument.fromCode(series.instrument()).map(ScoreInstrument::maxTotal)
                .orElse(points.stream().mapToInt(OutcomeTrajectory.Point::total).max().orElse(10));
        Scale y = new Scale(scaleMax);
        OffsetDateTime first = points.get(0).effective();
        OffsetDateTime last = points.get(points.size() - 1).effective();
        long span = Math.max(1, Duration.between(first.toInstant(), last.toInstant()).toSeconds());
        boolean oneMoment = first.toInstant().equals(last.toInstant());

        List<Mark> marks = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (OutcomeTrajectory.Point p : points) {
            double x = oneMoment ? (LEFT + RIGHT) / 2.0
                    : LEFT + (RIGHT - LEFT) * Duration.between(first.toInstant(), p.effective().toInstant()).toSeconds() / (double) span;
            double py = y.at(p.total());
            line.append(line.isEmpty() ? "" : " ").append(num(x)).append(',').append(num(py));
            marks.add(mark(x, py, p));
        }
        List<Tick> xTicks = new ArrayList<>();
        xTicks.add(new Tick(oneMoment ? (LEFT + RIGHT) / 2.0 : LEFT, first.toLocalDate().toString()));
        if (!first.toLocalDate().equals(last.toLocalDate())) {
            xTicks.add(new Tick(RIGHT, last.toLocalDate().toString()));
        }
        Threshold remission = series.remissionAtMost() == null ? null
                : new Threshold(y.at(series.remissionAtMost()), "remission ≤ " + series.remissionAtMost());
        Threshold response = series.responseAtMost() == null ? null
                : new Threshold(y.at(series.responseAtMost()), "response ≤ " + oneDecimal(series.responseAtMost()));
        String title = series.instrument() + ": " + points.size() + (points.size() == 1 ? " score" : " scores")
                + " from " + first.toLocalDate() + " to " + last.toLocalDate();
        return new TrajectoryChart(series.instrument(), title, y.ticks(), xTicks, line.toString(), marks, remission, response);
    }

    private static Mark mark(double x, double y, OutcomeTrajectory.Point p) {
        String status = p.status() == null ? "tracked" : p.statusCode();
        String title = p.effective().toLocalDate() + ": " + p.total() + (p.status() == null ? "" : " (" + status + ")");
        return switch (status) {
            case "baseline" -> new Mark(x, y, "rect", null, status, title);
            case "remission" -> new Mark(x, y, "polygon", polygon(x, y - 7, x + 7, y, x, y + 7, x - 7, y), status, title);
            case "relapse" -> new Mark(x, y, "polygon", polygon(x, y - 7, x + 7, y + 6, x - 7, y + 6), status, title);
            default -> new Mark(x, y, "circle", null, status, title);
        };
    }

    private static String polygon(double... xy) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < xy.length; i += 2) {
            s.append(i == 0 ? "" : " ").append(num(xy[i])).append(',').append(num(xy[i + 1]));
        }
        return s.toString();
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String oneDecimal(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    /** The vertical axis: 0 at the bottom, the instrument's highest total at the top, ticks at round steps. */
    private record Scale(int max) {

        double at(double total) {
            return BOTTOM - (BOTTOM - TOP) * Math.min(total, max) / max;
        }

        List<Tick> ticks() {
            int step = max <= 12 ? 2 : max <= 30 ? 5 : max <= 60 ? 10 : 20;
            List<Tick> ticks = new ArrayList<>();
            for (int v = 0; v <= max; v += step) {
                ticks.add(new Tick(at(v), String.valueOf(v)));
            }
            return ticks;
        }
    }
}
