/* Image I/O: every file of the bad-input corpus fails cleanly with its status and a
 * message naming the problem (from tests/data/badinput/expected.tsv); round trips
 * through every writer; failed writes leave no file behind. */
#include "check.h"
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int status_code(const char *name)
{
#define SEG_STATUS_NAME(n, code, msg) \
    if (strcmp(name, #n) == 0)        \
        return code;
    SEG_STATUS_MAP(SEG_STATUS_NAME)
#undef SEG_STATUS_NAME
    return 1;
}

static int read_all(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *data = malloc(n > 0 ? (size_t)n : 1);
    *size = fread(*data, 1, (size_t)n, f);
    fclose(f);
    return 0;
}

static int empty(const seg_image *img)
{
    return img->data == NULL && img->width == 0 && img->height == 0 && !img->owned;
}

static void test_corpus(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/badinput/expected.tsv", SEG_TEST_DATA);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char line[1024];
    int files = 0;
    const int modes[] = {SEG_IMREAD_UNCHANGED, SEG_IMREAD_COLOR, SEG_IMREAD_GRAYSCALE};
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *name = strtok(line, "\t"), *status = strtok(NULL, "\t"), *needle = strtok(NULL, "\t");
        if (!name || !status || !needle) {
            CHECK(!"malformed expected.tsv line");
            continue;
        }
        files++;
        snprintf(path, sizeof path, "%s/badinput/%s", SEG_TEST_DATA, name);
        for (int m = 0; m < 3; m++) {
            seg_read_options o = seg_read_options_default();
            o.mode = modes[m];
            seg_image img = {(void *)1, 5, 5, 5, 1, SEG_U8, 0};
            clock_t t0 = clock();
            int rc = seg_imread(path, &img, &o);
            double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
            const char *msg = seg_last_error();
            int ok = rc == status_code(status) && strstr(msg, needle) && strstr(msg, name) &&
                     empty(&img) && secs < 2.0;
            if (!ok)
                fprintf(stderr, "%s (mode %d): rc %d (%s expected), %.2fs, message: %s\n", name,
                        modes[m], rc, status, secs, msg);
            CHECK(ok);
            /* the same bytes through seg_imdecode give the same status and problem */
            uint8_t *data = NULL;
            size_t size = 0;
            CHECK(read_all(path, &data, &size) == 0);
            rc = seg_imdecode(data, size, &img, &o);
            CHECK_EQ_INT(rc, status_code(status));
            CHECK(strstr(seg_last_error(), needle) != NULL && strncmp(seg_last_error(), "imdecode: ", 10) == 0);
            CHECK(empty(&img));
            free(data);
        }
    }
    fclose(f);
    CHECK(files >= 60);
    printf("corpus: %d files\n", files);
}

static void test_paths(void)
{
    seg_image img;
    CHECK_EQ_INT(seg_imread("/nonexistent/dir/x.png", &img, NULL), SEG_EIO);
    CHECK(strstr(seg_last_error(), "/nonexistent/dir/x.png") &&
          strstr(seg_last_error(), "No such file"));
    CHECK(empty(&img));
    CHECK_EQ_INT(seg_imread(SEG_TEST_DATA "/badinput", &img, NULL), SEG_EIO);
    CHECK(strstr(seg_last_error(), "is a directory") != NULL);
    CHECK_EQ_INT(seg_imread("", &img, NULL), SEG_EINVAL);
    CHECK_EQ_INT(seg_imread(NULL, &img, NULL), SEG_EINVAL);
    CHECK_EQ_INT(seg_imread("x.png", NULL, NULL), SEG_EINVAL);
    CHECK_EQ_INT(seg_imdecode(NULL, 10, &img, NULL), SEG_EINVAL);
    seg_read_options o = seg_read_options_default();
    o.mode = 16; /* IMREAD_REDUCED_GRAYSCALE_2 */
    CHECK_EQ_INT(seg_imread(SEG_TEST_DATA "/io/page.png", &img, &o), SEG_EUNSUPPORTED);
    o = seg_read_options_default();
    o.order = (seg_order)7;
    CHECK_EQ_INT(seg_imread(SEG_TEST_DATA "/io/page.png", &img, &o), SEG_EINVAL);
    o = seg_read_options_default();
    o.max_pixels = 384 * 191 - 1; /* page.png is 384x191 */
    CHECK_EQ_INT(seg_imread(SEG_TEST_DATA "/io/page.png", &img, &o), SEG_ELIMIT);
    CHECK(strstr(seg_last_error(), "384x191 exceeds the pixel limit 73343") != NULL);
    o.max_pixels = 384 * 191;
    CHECK_EQ_INT(seg_imread(SEG_TEST_DATA "/io/page.png", &img, &o), SEG_OK);
    CHECK(img.width == 384 && img.height == 191 && img.channels == 1 && img.owned);
    seg_image_free(&img);
}

static int dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}

static void fill(seg_image *img)
{
    size_t row = (size_t)img->width * img->channels * seg_type_size(img->type);
    for (int y = 0; y < img->height; y++)
        for (size_t i = 0; i < row; i++)
            ((uint8_t *)seg__row(img, y))[i] = (uint8_t)(y * 31 + i * 7);
}

static int same(const seg_image *a, const seg_image *b)
{
    if (a->width != b->width || a->height != b->height || a->channels != b->channels ||
        a->type != b->type)
        return 0;
    size_t row = (size_t)a->width * a->channels * seg_type_size(a->type);
    for (int y = 0; y < a->height; y++)
        if (memcmp(seg__row(a, y), seg__row(b, y), row))
            return 0;
    return 1;
}

static void test_roundtrip_and_atomic_writes(void)
{
    char dir[] = "/tmp/segkit_test_io_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[512];
    struct {
        const char *ext;
        int c;
        seg_type t;
    } cases[] = {{"png", 1, SEG_U8},  {"png", 2, SEG_U8},  {"png", 3, SEG_U8},
                 {"png", 4, SEG_U8},  {"png", 1, SEG_U16}, {"png", 3, SEG_U16},
                 {"png", 4, SEG_U16}, {"ppm", 3, SEG_U8},  {"pgm", 1, SEG_U16},
                 {"pnm", 3, SEG_U16}, {"PNG", 3, SEG_U8}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        seg_image img, back;
        CHECK_EQ_INT(seg_image_alloc(&img, 13, 7, cases[i].c, cases[i].t), SEG_OK);
        fill(&img);
        snprintf(path, sizeof path, "%s/rt%zu.%s", dir, i, cases[i].ext);
        CHECK_EQ_INT(seg_imwrite(path, &img, NULL), SEG_OK);
        seg_read_options o = seg_read_options_default();
        CHECK_EQ_INT(seg_imread(path, &back, &o), SEG_OK);
        if (cases[i].c == 2) { /* gray+alpha reads back as BGRA, like cv2 */
            CHECK(back.channels == 4 && back.width == 13);
        } else {
            CHECK(same(&img, &back));
        }
        seg_image_free(&back);
        seg_image_free(&img);
    }
    int before = dir_entries(dir);

    /* failures: unsupported extension, wrong type, bad options, missing folder, a
     * directory as target; none may leave a file (temporary or final) behind */
    seg_image f32, u8c3, u16, s32;
    seg_image_alloc(&f32, 4, 4, 1, SEG_F32);
    seg_image_alloc(&u8c3, 4, 4, 3, SEG_U8);
    seg_image_alloc(&u16, 4, 4, 3, SEG_U16);
    seg_image_alloc(&s32, 4, 4, 4, SEG_S32);
    seg_write_options bad = seg_write_options_default();
    bad.jpeg_quality = 101;
    snprintf(path, sizeof path, "%s/a.bmp", dir);
    CHECK_EQ_INT(seg_imwrite(path, &u8c3, NULL), SEG_EUNSUPPORTED);
    CHECK(strstr(seg_last_error(), "unsupported extension '.bmp'") != NULL);
    snprintf(path, sizeof path, "%s/noext", dir);
    CHECK_EQ_INT(seg_imwrite(path, &u8c3, NULL), SEG_EUNSUPPORTED);
    snprintf(path, sizeof path, "%s/a.png", dir);
    CHECK_EQ_INT(seg_imwrite(path, &f32, NULL), SEG_EUNSUPPORTED);
    CHECK(strstr(seg_last_error(), "cannot store a 1-channel f32") != NULL);
    CHECK_EQ_INT(seg_imwrite(path, &s32, NULL), SEG_EUNSUPPORTED);
    snprintf(path, sizeof path, "%s/a.jpg", dir);
    CHECK_EQ_INT(seg_imwrite(path, &u16, NULL), SEG_EUNSUPPORTED);
    CHECK_EQ_INT(seg_imwrite(path, &u8c3, &bad), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "quality 101") != NULL);
    seg_image none = {0};
    CHECK_EQ_INT(seg_imwrite(path, &none, NULL), SEG_EINVAL);
    CHECK_EQ_INT(seg_imwrite(path, NULL, NULL), SEG_EINVAL);
    snprintf(path, sizeof path, "%s/missing/a.png", dir);
    CHECK_EQ_INT(seg_imwrite(path, &u8c3, NULL), SEG_EIO);
    CHECK(strstr(seg_last_error(), "cannot create") != NULL);
    snprintf(path, sizeof path, "%s/sub.png", dir);
    CHECK(mkdir(path, 0755) == 0);
    before++;
    CHECK_EQ_INT(seg_imwrite(path, &u8c3, NULL), SEG_EIO); /* rename onto a directory */
    CHECK(strstr(seg_last_error(), "rename failed") != NULL);
    CHECK_EQ_INT(dir_entries(dir), before);
    snprintf(path, sizeof path, "%s/sub.png", dir);
    CHECK_EQ_INT(dir_entries(path), 0);
    if (geteuid() != 0) { /* root ignores permissions */
        char ro[256];
        snprintf(ro, sizeof ro, "%s/ro", dir);
        CHECK(mkdir(ro, 0555) == 0);
        snprintf(path, sizeof path, "%s/a.png", ro);
        CHECK_EQ_INT(seg_imwrite(path, &u8c3, NULL), SEG_EIO);
        CHECK_EQ_INT(dir_entries(ro), 0);
        rmdir(ro);
    }
    /* an existing target is replaced whole */
    snprintf(path, sizeof path, "%s/rt0.png", dir);
    CHECK_EQ_INT(seg_imwrite(path, &u8c3, NULL), SEG_OK);
    seg_image back;
    CHECK_EQ_INT(seg_imread(path, &back, NULL), SEG_OK);
    CHECK(same(&back, &u8c3));
    seg_image_free(&back);
    CHECK_EQ_INT(dir_entries(dir), before);

    /* imencode / seg_free */
    void *buf = (void *)1;
    size_t n = 7;
    CHECK_EQ_INT(seg_imencode(".webp", &u8c3, NULL, &buf, &n), SEG_EUNSUPPORTED);
    CHECK(buf == NULL && n == 0);
    CHECK_EQ_INT(seg_imencode(".jpg", &u8c3, NULL, &buf, &n), SEG_OK);
    CHECK(n > 100 && ((uint8_t *)buf)[0] == 0xff);
    seg_image dec;
    CHECK_EQ_INT(seg_imdecode(buf, n, &dec, NULL), SEG_OK);
    CHECK(dec.width == 4 && dec.channels == 3);
    seg_image_free(&dec);
    seg_free(buf);
    seg_free(NULL);

    /* palette PNG */
    seg_image lab;
    seg_image_alloc(&lab, 5, 3, 1, SEG_U8);
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 5; x++)
            ((uint8_t *)seg__row(&lab, y))[x] = (uint8_t)((x + y) % 3);
    const uint8_t pal[9] = {0, 0, 0, 255, 0, 0, 0, 0, 255};
    seg_write_options po = seg_write_options_default();
    po.palette = pal;
    po.palette_size = 3;
    snprintf(path, sizeof path, "%s/lab.png", dir);
    CHECK_EQ_INT(seg_imwrite(path, &lab, &po), SEG_OK);
    seg_read_options ro = seg_read_options_default();
    ro.order = SEG_ORDER_RGB;
    CHECK_EQ_INT(seg_imread(path, &back, &ro), SEG_OK);
    CHECK(back.channels == 3);
    const uint8_t *px = seg__row(&back, 0);
    CHECK(px[3] == 255 && px[4] == 0 && px[5] == 0); /* (1,0): label 1 = red */
    seg_image_free(&back);
    po.palette_size = 2;
    snprintf(path, sizeof path, "%s/lab2.png", dir);
    CHECK_EQ_INT(seg_imwrite(path, &lab, &po), SEG_EINVAL);
    CHECK(strstr(seg_last_error(), "label 2") != NULL);
    CHECK(access(path, F_OK) != 0);

    seg_image_free(&lab);
    seg_image_free(&f32);
    seg_image_free(&u8c3);
    seg_image_free(&u16);
    seg_image_free(&s32);
    /* clean up */
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0)
            rmdir(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static void test_defaults(void)
{
    seg_read_options r = seg_read_options_default();
    CHECK(r.mode == SEG_IMREAD_UNCHANGED && r.order == SEG_ORDER_BGR &&
          r.max_pixels == SEG_DEFAULT_MAX_PIXELS);
    seg_write_options w = seg_write_options_default();
    CHECK(w.order == SEG_ORDER_BGR && w.jpeg_quality == 95 && w.png_compression == -1 &&
          w.palette == NULL);
}

int main(void)
{
    test_defaults();
    test_corpus();
    test_paths();
    test_roundtrip_and_atomic_writes();
    return check_report();
}
