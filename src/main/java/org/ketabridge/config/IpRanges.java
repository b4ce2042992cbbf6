package org.ketabridge.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** IP addresses and CIDR ranges as configuration writes them: literal only, never a host name. */
final class IpRanges {

    // Only digits and dots (IPv4), or hex digits, colons and dots (IPv6): InetAddress parses such text
    // as an address and never asks DNS.
    private static final Pattern LITERAL = Pattern.compile("([0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)(?:/(\\d{1,3}))?");

    private IpRanges() {
    }

    /** {@code 10.20.0.5}, {@code 10.20.0.0/24}, {@code fd00::/8}: an address, and a prefix no longer than it. */
    static boolean isLiteral(String range) {
        Matcher m = LITERAL.matcher(range);
        if (!m.matches()) {
            return false;
        }
        boolean ipv4Text = m.group(1).indexOf(':') < 0;
        if (ipv4Text && !fourOctets(m.group(1))) {
            return false; // "10.1" would be read as 10.0.0.1, and "300.1.1.1" looked up as a host name
        }
        try {
            InetAddress address = InetAddress.getByName(m.group(1));
            int bits = address.getAddress().length * 8;
            return m.group(2) == null || Integer.parseInt(m.group(2)) <= bits;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean fourOctets(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }
}
