package org.ketabridge.security;

import org.springframework.security.config.annotation.web.builders.HttpSecurity;

/**
 * Something another part of the bridge adds to the security chain (the access audit's filter,
 * which must see every request's verified caller and final status). The chain is built here;
 * what is added is owned where it belongs, so security depends on nobody's filters.
 */
@FunctionalInterface
public interface SecurityChainAddition {

    void addTo(HttpSecurity http);
}
