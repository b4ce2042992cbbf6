package org.ketabridge.db;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.RowMapper;

/**
 * Rows into records: each component from the column of the same name, underscores and case
 * aside ({@code clinic_id} into {@code clinicId}), matched once per row from the result set's
 * own column labels. Not Spring's {@code query(Class)} or {@code DataClassRowMapper}: both ask
 * the driver for each component's name first, and on H2 every miss is an exception written with
 * its stack trace to the database's trace file, seven per row of a record version: 80 MB of
 * trace in a 14,000-record load run.
 */
final class Rows<T extends Record> implements RowMapper<T> {

    private final RecordComponent[] components;
    private final Constructor<T> constructor;

    private Rows(Class<T> type) {
        this.components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            this.constructor = type.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("a record has its canonical constructor", e);
        }
    }

    static <T extends Record> RowMapper<T> of(Class<T> type) {
        return new Rows<>(type);
    }

    @Override
    public T mapRow(ResultSet rs, int rowNum) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        Map<String, Integer> columns = new HashMap<>();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
            columns.put(normalized(meta.getColumnLabel(c)), c);
        }
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Integer column = columns.get(normalized(components[i].getName()));
            if (column == null) {
                throw new SQLException("no column for " + components[i].getName() + " in " + columns.keySet());
            }
            values[i] = value(rs, column, components[i].getType());
        }
        try {
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object value(ResultSet rs, int column, Class<?> type) throws SQLException {
        if (type == long.class) {
            return rs.getLong(column);
        }
        if (type == int.class) {
            return rs.getInt(column);
        }
        if (type == boolean.class) {
            return rs.getBoolean(column);
        }
        return rs.getObject(column, type);
    }

    private static String normalized(String name) {
        return name.replace("_", "").toLowerCase(Locale.ROOT);
    }
}
