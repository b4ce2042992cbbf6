package org.ketabridge.intake;

/** The NPI check digit: Luhn over the first nine digits, prefixed with the card issuer 80840. */
public final class Npi {

    private Npi() {
    }

    public static boolean hasValidCheckDigit(String npi) {
        if (npi == null || !npi.matches("\\d{10}")) {
            return false;
        }
        String body = "80840" + npi.substring(0, 9);
        int sum = 0;
        // Luhn: double every second digit from the right of the body (the check digit is not part of it).
        for (int i = body.length() - 1, position = 0; i >= 0; i--, position++) {
            int d = body.charAt(i) - '0';
            if (position % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        int check = (10 - sum % 10) % 10;
        return check == npi.charAt(9) - '0';
    }
}
