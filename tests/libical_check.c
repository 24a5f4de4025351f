/* libical's restriction check of a calendar file (tests/test_calendar.py).
 * Prints every X-LIC-ERROR libical adds and exits 1 when there is one. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>

static int report(icalcomponent *component) {
    int errors = 0;
    for (icalproperty *p = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)) {
        printf("error in %s: %s\n", icalcomponent_kind_to_string(icalcomponent_isa(component)),
               icalproperty_get_xlicerror(p));
        errors++;
    }
    for (icalcomponent *c = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT);
         c != NULL; c = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)) {
        errors += report(c);
    }
    return errors;
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    FILE *file = fopen(argv[1], "rb");
    if (file == NULL) return 2;
    static char text[1 << 20];
    size_t length = fread(text, 1, sizeof text - 1, file);
    fclose(file);
    text[length] = '\0';
    icalcomponent *calendar = icalparser_parse_string(text);
    if (calendar == NULL) {
        printf("libical could not parse the file\n");
        return 1;
    }
    int valid = icalrestriction_check(calendar);
    int errors = report(calendar);
    printf("restriction check: %s; errors: %d; events: %d\n", valid ? "passed" : "failed", errors,
           icalcomponent_count_components(calendar, ICAL_VEVENT_COMPONENT));
    icalcomponent_free(calendar);
    return valid && errors == 0 ? 0 : 1;
}
