/* The JSON floor of bench/run (DESIGN §7): jansson's json_load_file of the
 * whole file, the tree a naive decoder would build. Exits without freeing
 * it, so the figure is the parse alone. */
#include <jansson.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	json_error_t e;
	json_t *root;

	if (argc != 2) {
		fprintf(stderr, "usage: floor-json FILE\n");
		return 2;
	}
	root = json_load_file(argv[1], 0, &e);
	if (!root) {
		fprintf(stderr, "floor-json: %s:%d:%d: %s\n", argv[1], e.line, e.column, e.text);
		return 1;
	}
	/* Touch the result so the parse cannot be optimised away. */
	printf("%zu\n", json_is_object(root) ? json_object_size(root) : json_array_size(root));
	return 0;
}
