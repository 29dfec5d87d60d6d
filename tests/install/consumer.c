/* A downstream program built against an installed segkit (find_package / pkg-config). */
#include <segkit.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    seg_image img;
    if (seg_image_alloc(&img, 8, 4, 3, SEG_U8) != SEG_OK)
        return 1;
    seg_image_free(&img);
    if (seg_image_alloc(&img, -1, 4, 3, SEG_U8) != SEG_EINVAL || !strstr(seg_last_error(), "negative"))
        return 1;
    printf("consumer linked segkit %s\n", seg_version());
    return strcmp(seg_version(), SEGKIT_VERSION_STRING) != 0;
}
