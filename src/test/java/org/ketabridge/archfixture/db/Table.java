package org.ketabridge.archfixture.db;

import org.springframework.jdbc.core.simple.JdbcClient;

/** Allowed: db runs SQL. */
public class Table {
    public int count(JdbcClient jdbc) {
        return jdbc.sql("select 1").query(Integer.class).single();
    }
}
