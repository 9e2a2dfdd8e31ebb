package dev.tributary.api;

/** An administrative change to a group (an offset reset) was refused because the group still has live members. */
public class GroupActiveException extends TributaryException {

    public GroupActiveException(String group, int members) {
        super("group '" + group + "' has " + members + " live member(s); stop them before resetting its offsets");
    }
}
