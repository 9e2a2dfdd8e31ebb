package dev.tributary.spi;

import java.util.Arrays;
import java.util.Map;

final class Headers {

    private Headers() {
    }

    static boolean equal(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (Map.Entry<String, byte[]> e : a.entrySet()) {
            if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
