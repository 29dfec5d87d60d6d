/* Fuzz the semantic model description (JSON) parser. */
#include <segkit.h>
#include <stdint.h>

int seg__semantic_config_parse(const char *text, size_t len, const char *name,
                               seg_semantic_config *cfg);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    seg_semantic_config cfg;
    if (seg__semantic_config_parse((const char *)data, size, "fuzz", &cfg) == SEG_OK)
        seg_semantic_config_clear(&cfg);
    else if (!seg_last_error()[0])
        __builtin_trap();
    return 0;
}
