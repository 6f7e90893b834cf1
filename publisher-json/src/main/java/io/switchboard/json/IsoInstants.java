package io.switchboard.json;

import java.time.Instant;
import java.time.LocalDate;

/**
 * The envelope's {@code timestamp}: {@link Instant#toString()} and {@link Instant#parse} for the common shape
 * {@code 2024-01-15T10:30:00.123Z} (years 1970 to 9999) written and read by hand, since the JDK's formatter costs
 * more than the rest of the envelope on every event. Anything else goes to the JDK, so the output is always exactly
 * {@code Instant.toString()} and the input rules (and error messages) are always {@code Instant.parse}'s.
 */
final class IsoInstants {

    private static final long MAX_FAST_SECONDS = LocalDate.of(9999, 12, 31).toEpochDay() * 86_400L + 86_399L;

    private IsoInstants() {
    }

    /** Exactly {@code instant.toString()}. */
    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < 0 || seconds > MAX_FAST_SECONDS) {
            return instant.toString();
        }
        int nanos = instant.getNano();
        long days = seconds / 86_400L;
        int secondOfDay = (int) (seconds % 86_400L);
        LocalDate date = LocalDate.ofEpochDay(days);
        // The fraction as ISO_INSTANT prints it: none, or groups of three digits, as many as needed.
        int fractionDigits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        byte[] out = new byte[20 + (fractionDigits == 0 ? 0 : 1 + fractionDigits)];
        digits(out, 0, date.getYear(), 4);
        out[4] = '-';
        digits(out, 5, date.getMonthValue(), 2);
        out[7] = '-';
        digits(out, 8, date.getDayOfMonth(), 2);
        out[10] = 'T';
        digits(out, 11, secondOfDay / 3600, 2);
        out[13] = ':';
        digits(out, 14, secondOfDay / 60 % 60, 2);
        out[16] = ':';
        digits(out, 17, secondOfDay % 60, 2);
        int i = 19;
        if (fractionDigits > 0) {
            out[i++] = '.';
            int scaled = nanos;
            for (int k = 9; k > fractionDigits; k--) {
                scaled /= 10;
            }
            digits(out, i, scaled, fractionDigits);
            i += fractionDigits;
        }
        out[i] = 'Z';
        return new String(out, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** As {@link Instant#parse}: the same result, and the same exception for text it rejects. */
    static Instant parse(String text) {
        Instant fast = parseCommon(text);
        return fast != null ? fast : Instant.parse(text);
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with a valid date and time, else {@code null}. */
    private static Instant parseCommon(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = number(s, 0, 4);
        int month = number(s, 5, 2);
        int day = number(s, 8, 2);
        int hour = number(s, 11, 2);
        int minute = number(s, 14, 2);
        int second = number(s, 17, 2);
        if (year < 1970 || month < 1 || month > 12 || day < 1 || day > 28 && day > lengthOfMonth(year, month)
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int fractionDigits = n - 21;
            if (s.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
                return null;
            }
            nanos = number(s, 20, fractionDigits);
            if (nanos < 0) {
                return null;
            }
            for (int k = fractionDigits; k < 9; k++) {
                nanos *= 10;
            }
        } else if (n != 20) {
            return null;
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400L + hour * 3600L + minute * 60L + second, nanos);
    }

    private static int lengthOfMonth(int year, int month) {
        return LocalDate.of(year, month, 1).lengthOfMonth();
    }

    /** The decimal number in {@code s[from, from + count)}, or -1 if a character is not a digit. */
    private static int number(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static void digits(byte[] out, int at, int value, int count) {
        for (int i = at + count - 1; i >= at; i--) {
            out[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }
}
