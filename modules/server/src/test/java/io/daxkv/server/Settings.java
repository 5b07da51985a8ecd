package io.daxkv.server;

import java.lang.reflect.RecordComponent;

/** Test helper: a copy of a {@link NetSettings} with one component changed, by name. */
final class Settings {

    private Settings() {
    }

    static NetSettings with(NetSettings s, String component, Object value) {
        RecordComponent[] rc = NetSettings.class.getRecordComponents();
        Object[] args = new Object[rc.length];
        Class<?>[] types = new Class<?>[rc.length];
        boolean found = false;
        try {
            for (int i = 0; i < rc.length; i++) {
                types[i] = rc[i].getType();
                if (rc[i].getName().equals(component)) {
                    args[i] = value;
                    found = true;
                } else {
                    args[i] = rc[i].getAccessor().invoke(s);
                }
            }
            if (!found) {
                throw new IllegalArgumentException("NetSettings has no component " + component);
            }
            return NetSettings.class.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
