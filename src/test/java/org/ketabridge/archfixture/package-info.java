/**
 * A small tree laid out like the bridge, each class breaking one of {@code ArchitectureRules} on
 * purpose, for {@code ArchitectureRulesFailTest}. Test sources only: never part of the bridge.
 */
package org.ketabridge.archfixture;
