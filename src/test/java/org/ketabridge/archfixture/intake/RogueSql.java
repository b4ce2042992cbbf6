package org.ketabridge.archfixture.intake;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Breaks "only db/ runs SQL". */
public class RogueSql {
    public void write(JdbcClient jdbc) {
        jdbc.sql("delete from record").update();
    }
}
