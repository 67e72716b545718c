package dev.fewstep.serve;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * Checks the host a server is asked to bind before it tries. Jetty reports every failed bind the same way and
 * Javalin turns that into "Port already in use ... port 0", which sends the operator after the wrong setting when
 * the host is a typo ({@code 999.1.1.1}) or an address that belongs to another machine.
 */
final class BindAddress {
    private static final String HINT = "use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)";

    private BindAddress() {}

    /**
     * @return the address {@code host} names
     * @throws IllegalArgumentException saying what is wrong with the host
     */
    static InetAddress of(String host) {
        if (host.matches("[0-9.]+") && !isDottedQuad(host)) {
            // Digits and dots are meant as an IPv4 address; the resolver would look them up as a name instead.
            throw new IllegalArgumentException("host " + host + " is not a valid IPv4 address: it needs four numbers "
                    + "from 0 to 255, such as 127.0.0.1");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("host " + host + " is neither an IP address nor a name this machine "
                    + "can resolve; " + HINT);
        }
        if (!isOnThisMachine(address)) {
            throw new IllegalArgumentException("host " + host + " is not an address of this machine; " + HINT);
        }
        return address;
    }

    private static boolean isDottedQuad(String host) {
        String[] parts = host.split("\\.", -1);
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

    /** The wildcard, any loopback address (Linux binds all of 127/8), or an address of one of the interfaces. */
    private static boolean isOnThisMachine(InetAddress address) {
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return true; // cannot tell: let the bind itself decide
        }
    }
}
