package org.ketabridge.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The console's sign-in links spent (V25), by their token's {@code jti}. In the database rather
 * than in memory: a link must stay spent across a restart (it may live 10 more minutes) and
 * whichever bridge process on the same database is asked. Rows go once their link would have
 * expired anyway, so the table holds at most the last few minutes' sign-ins.
 */
@Repository
public class UsedSignInTokens {

    private final JdbcClient jdbc;

    public UsedSignInTokens(JdbcTemplate template) {
        this.jdbc = JdbcClient.create(template);
    }

    /** Spends a link: true the first time its jti is seen, false ever after (until it has expired and is forgotten). */
    public boolean spend(String jti, Instant expiresAt, Instant now) {
        jdbc.sql("delete from console_sign_in where expires_at < ?").param(utc(now)).update();
        try {
            // The primary key decides: of two requests racing with one link, one insert fails.
            return jdbc.sql("insert into console_sign_in (jti, used_at, expires_at) values (?, ?, ?)")
                    .params(jti, utc(now), utc(expiresAt)).update() == 1;
        } catch (DuplicateKeyException spent) {
            return false;
        }
    }

    private static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
