/* The YAML floor of bench/run (DESIGN §7): libyaml's event parser over the
 * whole stream, building nothing. */
#include <stdio.h>
#include <yaml.h>

int main(int argc, char **argv)
{
	yaml_parser_t p;
	yaml_event_t ev;
	unsigned long long events = 0;
	FILE *f;
	int done = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: floor-yaml FILE\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	yaml_parser_initialize(&p);
	yaml_parser_set_input_file(&p, f);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			fprintf(stderr, "floor-yaml: %s:%zu:%zu: %s\n", argv[1], p.problem_mark.line + 1,
				p.problem_mark.column + 1, p.problem ? p.problem : "error");
			yaml_parser_delete(&p);
			fclose(f);
			return 1;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
		events++;
	}
	yaml_parser_delete(&p);
	fclose(f);
	printf("%llu\n", events);
	return 0;
}
