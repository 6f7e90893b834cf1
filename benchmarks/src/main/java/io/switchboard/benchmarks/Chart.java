package io.switchboard.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The PNG beside the tables, drawn with java.awt (headless) and written with ImageIO: throughput of Switchboard
 * and the raw client per driver, payload and mode, and end-to-end p99 latency, both on log scales.
 */
final class Chart {

    private static final Color SWITCHBOARD = new Color(0x2E, 0x6F, 0xD8);
    private static final Color RAW = new Color(0x9A, 0x9A, 0x9A);
    private static final int WIDTH = 1400;
    private static final int PANEL = 380;

    private Chart() {
    }

    /** A labelled pair of values; {@code null} when a side has no figure. */
    private record Bar(String label, Double switchboard, Double raw) {
    }

    static void render(Results results, Path file, boolean shortMode) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Bar> throughput = new ArrayList<>();
        for (Results.SummaryRow r : results.summary) {
            if (r.mode().equals(Results.SINGLE) || r.mode().equals(Results.BATCH)) {
                throughput.add(new Bar(r.driver() + " " + r.payloadBytes() + "B " + r.mode(), r.switchboardEps(),
                        r.rawEps()));
            }
        }
        List<Bar> latency = new ArrayList<>();
        for (Results.LatencyRow r : results.latency) {
            if (!r.kind().equals("e2e")) {
                continue;
            }
            String label = r.driver() + " " + r.payloadBytes() + "B";
            Bar existing = latency.stream().filter(b -> b.label().equals(label)).findFirst().orElse(null);
            Double value = r.count() > 0 ? r.p99() : null;
            Bar updated = existing == null
                    ? new Bar(label, r.side().equals("switchboard") ? value : null, r.side().equals("raw") ? value : null)
                    : new Bar(label, r.side().equals("switchboard") ? value : existing.switchboard(),
                            r.side().equals("raw") ? value : existing.raw());
            if (existing != null) {
                latency.set(latency.indexOf(existing), updated);
            } else {
                latency.add(updated);
            }
        }
        int height = 2 * PANEL + 140;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString("Switchboard vs raw client" + (shortMode ? "  (short mode: meaningless figures)" : ""),
                    20, 28);
            legend(g, WIDTH - 330, 14);
            panel(g, 40, "Publish throughput, events/s (log scale, higher is better)", throughput, 40 + 20);
            panel(g, 40 + PANEL + 70, "End-to-end p99 latency at the offered rate, µs (log scale, lower is better)",
                    latency, 40 + PANEL + 90);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }

    private static void legend(Graphics2D g, int x, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        g.setColor(SWITCHBOARD);
        g.fillRect(x, y, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString("Switchboard", x + 20, y + 12);
        g.setColor(RAW);
        g.fillRect(x + 130, y, 14, 14);
        g.setColor(Color.BLACK);
        g.drawString("raw client / Spring", x + 150, y + 12);
    }

    private static void panel(Graphics2D g, int top, String title, List<Bar> bars, int plotTop) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, 20, top + 10);
        int left = 80;
        int right = WIDTH - 150; // room for the last rotated label
        int plotHeight = PANEL - 140;
        int bottom = plotTop + plotHeight;
        double max = 1;
        double min = Double.MAX_VALUE;
        for (Bar b : bars) {
            for (Double v : new Double[] {b.switchboard(), b.raw()}) {
                if (v != null && v > 0) {
                    max = Math.max(max, v);
                    min = Math.min(min, v);
                }
            }
        }
        double lo = Math.floor(Math.log10(min == Double.MAX_VALUE ? 1 : Math.max(1, min)));
        double hi = Math.ceil(Math.log10(max));
        if (hi <= lo) {
            hi = lo + 1;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int e = (int) lo; e <= (int) hi; e++) {
            int y = bottom - (int) ((e - lo) / (hi - lo) * plotHeight);
            g.setColor(new Color(0xE0, 0xE0, 0xE0));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(e >= 6 ? (long) Math.pow(10, e - 6) + "M" : e >= 3 ? (long) Math.pow(10, e - 3) + "k"
                    : Long.toString((long) Math.pow(10, e)), 20, y + 4);
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawLine(left, bottom, right, bottom);
        if (bars.isEmpty()) {
            g.drawString("no figures", left + 10, bottom - 10);
            return;
        }
        double slot = (double) (right - left) / bars.size();
        int barWidth = (int) Math.max(2, Math.min(30, slot * 0.35));
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int x = left + (int) (i * slot + slot / 2);
            bar(g, x - barWidth, barWidth, b.switchboard(), lo, hi, bottom, plotHeight, SWITCHBOARD);
            bar(g, x, barWidth, b.raw(), lo, hi, bottom, plotHeight, RAW);
            AffineTransform saved = g.getTransform();
            g.setColor(Color.BLACK);
            g.translate(x + 4, bottom + 6);
            g.rotate(Math.toRadians(35));
            g.drawString(b.label(), 0, 0);
            g.setTransform(saved);
        }
    }

    private static void bar(Graphics2D g, int x, int width, Double value, double lo, double hi, int bottom,
            int plotHeight, Color color) {
        if (value == null || value <= 0) {
            g.setColor(Color.GRAY);
            g.drawString("n/a", x, bottom - 4);
            return;
        }
        int h = (int) Math.max(1, (Math.log10(Math.max(1, value)) - lo) / (hi - lo) * plotHeight);
        g.setColor(color);
        g.fillRect(x, bottom - h, width, h);
    }
}
