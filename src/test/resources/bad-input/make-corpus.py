#!/usr/bin/env python3
"""Writes the bad-input corpus (BadInputTest): one directory per case with case.conf and the files it
overlays on a valid base data set. Run from this directory; the output is committed, so this only
documents how each file was made and rebuilds them."""
import gzip, os, struct, shutil

HERE = os.path.dirname(os.path.abspath(__file__))


def idx(magic, dims, data):
    return struct.pack(">i", magic) + b"".join(struct.pack(">i", d) for d in dims) + bytes(data)


def images(count, rows=28, cols=28):
    return idx(0x803, [count, rows, cols], [(i * 31) & 0xff for i in range(count * rows * cols)])


def labels(count):
    return idx(0x801, [count], [i % 10 for i in range(count)])


def write(path, content):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(content.encode() if isinstance(content, str) else content)


def csv(rows, cols=2, start=0):
    return "".join(",".join("%.3f" % ((r + start) * 0.1 + c * 0.01) for c in range(cols)) + "\n" for r in range(rows))


def case(name, base, exit_code, expect, files=None, job="", sets=(), path=""):
    d = os.path.join(HERE, name)
    shutil.rmtree(d, ignore_errors=True)
    conf = ["# written by make-corpus.py", "base = " + base, "exit = %d" % exit_code,
            "expect = " + ("[" + ", ".join('"' + e.replace('"', '\\"') + '"' for e in expect) + "]")]
    if job:
        conf.append('job = """' + job + '"""')
    if sets:
        conf.append("set = [" + ", ".join('"' + s + '"' for s in sets) + "]")
    if path:
        conf.append('path = "' + path + '"')
    write(os.path.join(d, "case.conf"), "\n".join(conf) + "\n")
    for fname, content in (files or {}).items():
        write(os.path.join(d, "files", fname), content)


# valid bases the cases overlay
for b in ("base-idx", "base-csv", "base-table"):
    shutil.rmtree(os.path.join(HERE, b), ignore_errors=True)
write(os.path.join(HERE, "base-idx", "train-images-idx3-ubyte"), images(5))
write(os.path.join(HERE, "base-idx", "train-labels-idx1-ubyte"), labels(5))
write(os.path.join(HERE, "base-idx", "t10k-images-idx3-ubyte"), images(3))
write(os.path.join(HERE, "base-idx", "t10k-labels-idx1-ubyte"), labels(3))
for i, n in enumerate("abcd"):
    write(os.path.join(HERE, "base-csv", "seq-%s.csv" % n), csv(6, start=i))



def table(rows=40, species=("setosa", "versicolor", "virginica"), cell=None):
    """An iris-like CSV table with a header; cell = (row, column, text) replaces one value."""
    lines = ["id,sepal_length,sepal_width,petal_length,petal_width,species"]
    for r in range(rows):
        k = r % len(species)
        values = ["r%02d" % r] + ["%.1f" % (1 + k + c + (r * 7 % 10) * 0.1) for c in range(4)] + [species[k]]
        if cell and cell[0] == r:
            values[cell[1]] = cell[2]
        lines.append(",".join(values))
    return "\n".join(lines) + "\n"


write(os.path.join(HERE, "base-table", "table.csv"), table())

TI, TL = "train-images-idx3-ubyte", "train-labels-idx1-ubyte"
# IDX
case("idx-wrong-magic", "idx", 3, [TI + ": wrong magic number 0x00000804"],
     {TI: idx(0x804, [5, 28, 28, 1], [0] * 5 * 28 * 28)})
case("idx-wrong-dimensions", "idx", 3, [TI + ": wrong image dimensions 32x32: expected 28x28"], {TI: images(5, 32, 32)})
case("idx-zero-count", "idx", 3, [TI + ": dimension 1 is 0"], {TI: idx(0x803, [0, 28, 28], [])})
case("idx-truncated-header", "idx", 3, [TI + ": truncated header"], {TI: images(5)[:10]})
case("idx-truncated-images", "idx", 3, [TI + ": truncated: the header declares 5 records (3920 bytes)"],
     {TI: images(5)[:16 + 3000]})
case("idx-truncated-labels", "idx", 3, [TL + ": truncated: the header declares 5 records"], {TL: labels(5)[:8 + 3]})
case("idx-counts-disagree", "idx", 3, ["holds 5 images but", TL + " holds 4 labels"], {TL: labels(4)})
case("idx-label-out-of-range", "idx", 3, [TL + ": label 10 at record 3 is out of range [0, 9]"],
     {TL: idx(0x801, [5], [0, 1, 2, 10, 4])})
case("idx-gz-not-gzip", "idx", 3, [TI + ".gz: wrong magic number", "the file is not gzip"],
     {TI + ".gz": "this is not gzip, just text\n" * 4})
case("idx-corrupt-gzip", "idx", 3, ["t10k-labels-idx1-ubyte.gz: corrupt gzip data: Unexpected end of ZLIB input stream"],
     {"t10k-labels-idx1-ubyte.gz": gzip.compress(labels(3), mtime=0)[:14]})
case("idx-empty-file", "idx", 3, ["t10k-images-idx3-ubyte: empty file"], {"t10k-images-idx3-ubyte": b""})
# CSV sequences (data.csv-layout = files: one sequence per file)
CSV_JOB = "data.type = csv-sequences\nmodel { type = timeseries-lstm, hidden-layers = [4] }\ndata.sequence-length = 4\n"
case("csv-non-numeric", "csv", 3, ['seq-b.csv: line 3, column 2: not a number: "abc"'],
     {"seq-b.csv": "0.1,0.2\n0.2,0.3\n0.3,abc\n0.4,0.5\n0.5,0.6\n0.6,0.7\n"}, CSV_JOB)
case("csv-ragged-row", "csv", 3, ["seq-b.csv: line 4: ragged row: 3 values, expected 2"],
     {"seq-b.csv": "0.1,0.2\n0.2,0.3\n0.3,0.4\n0.4,0.5,0.6\n0.5,0.6\n0.6,0.7\n"}, CSV_JOB)
case("csv-missing-value", "csv", 3, ["seq-b.csv: line 2, column 2: missing value"],
     {"seq-b.csv": "0.1,0.2\n0.2,\n0.3,0.4\n0.4,0.5\n0.5,0.6\n0.6,0.7\n"}, CSV_JOB)
case("csv-nan", "csv", 3, ["seq-b.csv: line 5, column 1: NaN is not a finite number"],
     {"seq-b.csv": "0.1,0.2\n0.2,0.3\n0.3,0.4\n0.4,0.5\nNaN,0.6\n0.6,0.7\n"}, CSV_JOB)
case("csv-infinite", "csv", 3, ["seq-b.csv: line 1, column 2: -Infinity is not a finite number"],
     {"seq-b.csv": "0.1,-Infinity\n0.2,0.3\n0.3,0.4\n0.4,0.5\n0.5,0.6\n0.6,0.7\n"}, CSV_JOB)
case("csv-empty-file", "csv", 3, ["seq-c.csv: empty file"], {"seq-c.csv": ""}, CSV_JOB)
case("csv-rows-differ", "csv", 3, ["seq-c.csv: 5 rows, but", "every sequence file must have the same number of rows"],
     {"seq-c.csv": csv(5)}, CSV_JOB)
case("csv-series-shorter-than-window", "none", 3, ["series.csv: 5 rows, shorter than one window of 11"],
     {"series.csv": csv(5)}, "data.type = csv-sequences\ndata.csv-layout = series\ndata.sequence-length = 10\n"
     "model { type = timeseries-lstm, hidden-layers = [4] }\n", path="series.csv")
# text corpora (data.type = text)
TEXT_JOB = "data.type = text\nmodel { type = char-lstm, hidden-layers = [8] }\ndata.sequence-length = 20\n"
case("text-empty-corpus", "none", 3, ["empty corpus"], {"corpus.txt": ""}, TEXT_JOB)
case("text-binary-corpus", "none", 3, ["corpus.bin: line 2: NUL byte at byte 15: a binary file"],
     {"corpus.bin": b"some text.\n\x7fELF\x00\x01\x02\x03" + bytes(range(256))}, TEXT_JOB)
case("text-invalid-utf8", "none", 3, ["corpus.txt: line 3: invalid UTF-8 byte sequence"],
     {"corpus.txt": b"line one\nline two\nline \xc3\x28 three\n"}, TEXT_JOB)
case("text-shorter-than-sequence", "none", 3, ["the corpus has 6 characters, fewer than one sequence needs"],
     {"corpus.txt": "hello\n"}, TEXT_JOB)
# job files: each appends one line to a valid job file (line 9 of it)
def job_case(name, line, expect, sets=()):
    case(name, "idx", 2, expect, job=line, sets=sets)
job_case("job-unknown-key", "training.epoch = 3", ["job.conf: line 9: training.epoch: unknown key (did you mean training.epochs?)"])
job_case("job-unknown-key-in-set", "", ["--set: model.hiden-layers: unknown key (did you mean model.hidden-layers?)"],
         sets=["model.hiden-layers=[4]"])
job_case("job-bad-value-in-set", "", ["--set: training.batch-size = 0: must be >= 1"], sets=["training.batch-size=0"])
job_case("job-wrong-type", "training.epochs = three", ["job.conf: line 9: training.epochs: found string \"three\", expected a whole number"])
job_case("job-wrong-type-list", "model.hidden-layers = 64", ["job.conf: line 9: model.hidden-layers: found number 64"])
job_case("job-zero-batch-size", "training.batch-size = 0", ["job.conf: line 9: training.batch-size = 0: must be >= 1"])
job_case("job-negative-epochs", "training.epochs = -2", ["job.conf: line 9: training.epochs = -2: must be >= 1"])
job_case("job-zero-layer-size", "model.hidden-layers = [8, 0]", ["job.conf: line 9: model.hidden-layers = [8, 0]: every size must be >= 1"])
job_case("job-learning-rate-zero", "training.learning-rate = 0", ["job.conf: line 9: training.learning-rate = 0.0: must be > 0"])
job_case("job-learning-rate-negative", "training.learning-rate = -0.1", ["job.conf: line 9: training.learning-rate = -0.1: must be > 0"])
job_case("job-dropout-one", "model.dropout = 1.0", ["job.conf: line 9: model.dropout = 1.0: must be in [0.0, 1.0)"])
job_case("job-dropout-negative", "model.dropout = -0.2", ["job.conf: line 9: model.dropout = -0.2: must be in [0.0, 1.0)"])
job_case("job-unknown-model", "model.type = vgg16", ["job.conf: line 9: model.type = vgg16: must be one of mlp, lenet5"])
job_case("job-unknown-updater", "training.updater = adamax2", ["job.conf: line 9: training.updater = adamax2: must be one of"])
job_case("job-shape-mismatch", "model.type = char-lstm", ["job.conf: line 9: model.type = char-lstm: does not fit data.type fashion-mnist"])
job_case("job-syntax-error", "training { epochs = 2", ["job.conf: not a valid job file"])
# Java options outside the allowlist (README "Security"): exit 2 naming the key and the option
JAVA = 'spark.conf."spark.executor.extraJavaOptions"'
job_case("job-java-vm-options-file", JAVA + ' = "-Xss4m -XX:VMOptionsFile=/tmp/opts"',
         ['job.conf: line 9: spark.conf."spark.executor.extraJavaOptions" = "-Xss4m -XX:VMOptionsFile=/tmp/opts": may not hold -XX:VMOptionsFile=/tmp/opts in a job file'])
job_case("job-java-flags-file", JAVA + ' = "-XX:Flags=/tmp/.hotspotrc"',
         ['spark.conf."spark.executor.extraJavaOptions" = "-XX:Flags=/tmp/.hotspotrc": may not hold -XX:Flags=/tmp/.hotspotrc in a job file'])
job_case("job-java-argfile", JAVA + ' = "@/tmp/argfile"',
         ['spark.conf."spark.executor.extraJavaOptions" = "@/tmp/argfile": may not hold @/tmp/argfile in a job file'])
job_case("job-java-agent-in-set", "", ['--set: spark.conf."spark.driver.extraJavaOptions" = "-javaagent:/tmp/a.jar": may not hold -javaagent:/tmp/a.jar in a job file'],
         sets=['spark.conf.\\"spark.driver.extraJavaOptions\\"=\\"-javaagent:/tmp/a.jar\\"'])
job_case("job-java-on-out-of-memory", 'spark.conf."spark.driver.defaultJavaOptions" = "-XX:OnOutOfMemoryError=/tmp/evil.sh"',
         ['spark.conf."spark.driver.defaultJavaOptions" = "-XX:OnOutOfMemoryError=/tmp/evil.sh": may not hold -XX:OnOutOfMemoryError=/tmp/evil.sh in a job file'])
# tables (data.type = table): a CSV file with a header unless said otherwise, over base-table/table.csv
TABLE_JOB = ('data.type = table\ndata.format = csv\ndata.features = ["sepal*", "petal*"]\ndata.label = species\n'
             "data.test-fraction = 0.2\n")


def table_case(name, expect, job="", files=None, base="table", path="", exit_code=3):
    case(name, base, exit_code, expect, files, TABLE_JOB + job, path=path)


def kept(name, fname):
    """A file this script cannot write (Parquet), kept across rebuilds: TableInputTest writes it (see there)."""
    with open(os.path.join(HERE, name, "files", fname), "rb") as f:
        return f.read()


VECTORS = kept("table-vectors-unequal", "table.parquet")
table_case("table-missing-feature", ["data/: data.features: no column petal_lenght (did you mean petal_length?)"],
           "data.features = [sepal_length, petal_lenght]")
table_case("table-missing-label", ["data/: data.label: no column specis (did you mean species?)"], "data.label = specis")
table_case("table-missing-id", ["data/: data.id: no column ID (did you mean id?)"], "data.id = ID")
table_case("table-non-numeric-feature", ["data/: data.features: column petal_width is string, not numeric"],
           files={"table.csv": table(cell=(5, 4, "wide"))})
table_case("table-null-feature", ["table.csv: column sepal_width: null (a missing value) (data.features)"],
           files={"table.csv": table(cell=(7, 2, ""))})
table_case("table-nan-feature", ["table.csv: column petal_length: NaN is not a finite number (data.features)"],
           files={"table.csv": table(cell=(11, 3, "NaN"))})
table_case("table-infinite-feature", ["table.csv: column sepal_length: -Infinity is not a finite number (data.features)"],
           files={"table.csv": table(cell=(3, 1, "-Infinity"))})
table_case("table-null-label", ["table.csv: column species: null (a row without a label) (data.label)"],
           files={"table.csv": table(cell=(9, 5, ""))})
table_case("table-arrays-unequal", ["table.json: column pixels: 3 values, but the first row read has 4"],
           "data.format = json\ndata.features = [pixels]\n", base="none",
           files={"table.json": "".join('{"pixels": [%s], "species": "%s"}\n' % (
               ", ".join("0.%d" % ((r + c) % 10) for c in range(3 if r == 6 else 4)), "ab"[r % 2]) for r in range(20))})
table_case("table-vectors-unequal", ["table.parquet: column features: 3 values, but the first row read has 4"],
           "data.format = parquet\ndata.features = [features]\n", base="none", files={"table.parquet": VECTORS})
table_case("table-one-class", ["data/: column species has one class, setosa: classification needs at least two"],
           files={"table.csv": table(species=("setosa",))})
table_case("table-too-many-classes", ["data/: column species has more than 2 classes (data.max-classes = 2)"],
           "data.max-classes = 2")
table_case("table-label-not-a-class", ["data/: data.label: column petal_width is double: classes are strings or integers"
                                       " (to learn a numeric value set data.task = regression)"],
           'data.features = ["sepal*"]\ndata.label = petal_width')
table_case("table-regression-label-not-numeric", ["data/: data.label: column species is string, not numeric"],
           "data.task = regression")
table_case("table-no-rows", ["data/: no rows (data.path)"], files={"table.csv": table(rows=0)})
table_case("table-no-training-rows", ["data/: 3 rows leave none for training after data.validation-fraction = 0.5 and"
                                      " data.test-fraction = 0.49"],
           "data.validation-fraction = 0.5\ndata.test-fraction = 0.49", files={"table.csv": table(rows=3)})
table_case("table-no-validation-rows", ["data/: 40 rows leave none for validation"], "data.validation-fraction = 0.001")
table_case("table-no-test-rows", ["data/: 40 rows leave none for the test metrics"], "data.test-fraction = 0.001")
table_case("table-image-size-mismatch", ["data/: data.features [sepal_length, sepal_width, petal_length, petal_width] hold"
                                         " 4 values per row, but data.image.* is 3x3x1 = 9"],
           "data.image { height = 3, width = 3, channels = 1 }")
table_case("table-not-parquet", ["table.csv: cannot read as parquet (data.format)"], "data.format = parquet",
           path="table.csv")
table_case("table-path-not-found", ["missing.parquet: not found (data.path)"], "data.format = parquet",
           path="missing.parquet")
# bad job settings for tables: exit 2 before anything is read
table_case("job-table-unknown-format", ["job.conf: line 14: data.format = xml: must be one of parquet, orc, csv, json"],
           "data.format = xml", exit_code=2)
table_case("job-table-regression-mcxent", ["job.conf: line 15: model.loss = mcxent: model.type mlp takes mse or mae"],
           "data.task = regression\nmodel.loss = mcxent", exit_code=2)
table_case("job-table-lenet-without-image", ["model.type = lenet5: does not fit data.type table, which takes mlp"
                                             " (lenet5 and resnet-small with data.image.*)"],
           "model.type = lenet5", exit_code=2)
table_case("job-table-classification-two-labels", ["data.label = [species, id]: classification takes one label column"],
           "data.label = [species, id]", exit_code=2)
# image folders (data.type = images): one subdirectory of images per class
import zlib


def png(levels, width=4):
    """An 8-bit grey PNG of the given levels, row by row."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    rows = [levels[i:i + width] for i in range(0, len(levels), width)]
    header = struct.pack(">IIBBBBB", width, len(rows), 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + bytes(r) for r in rows)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def picture(kind, i):
    """4x4: a bright top half ("cat") or a bright left half ("dog"), noise from i."""
    return png([(200 if (y < 2 if kind == "cat" else x < 2) else 30) + (i * 7 + x + y) % 20
                for y in range(4) for x in range(4)])


shutil.rmtree(os.path.join(HERE, "base-images"), ignore_errors=True)
for kind in ("cat", "dog"):
    for i in range(10):
        write(os.path.join(HERE, "base-images", kind, "%s-%02d.png" % (kind, i)), picture(kind, i))
IMAGES_JOB = "data.type = images\ndata.image { height = 4, width = 4, channels = 1 }\ndata.test-fraction = 0.3\n"
case("images-empty-class", "images", 3, ["/data/bird: an empty class directory: no images (data.path;"],
     {"bird/.keep": ""}, IMAGES_JOB)
case("images-no-class-directories", "none", 3, ["/data/: no images: no class directories (data.path)"],
     {"cat.png": picture("cat", 0), "notes.txt": "images straight in data.path have no class\n"}, IMAGES_JOB)
case("images-single-class", "none", 3, ["one class directory (cat): classification needs at least 2"],
     {"cat/a.png": picture("cat", 0), "cat/b.png": picture("cat", 1)}, IMAGES_JOB)
case("images-too-many-classes", "images", 3, ["3 class directories, more than data.max-classes = 2"],
     {"bird/b.png": picture("cat", 3)}, IMAGES_JOB + "data.max-classes = 2\n")
case("images-not-an-image", "images", 3, ["/data/dog/notes.jpg: not an image ImageIO reads (PNG, JPEG, BMP, GIF)"],
     {"dog/notes.jpg": "a text file named like a picture\n"}, IMAGES_JOB)
case("images-truncated-png", "images", 3, ["/data/cat/cat-03.png: cannot decode the image"],
     {"cat/cat-03.png": picture("cat", 3)[:40]}, IMAGES_JOB)
case("images-no-test-images", "images", 3, ["20 images leave none for testing after data.validation-fraction = 0.2"
     " and data.test-fraction = 0.001 (or set data.test-path)"], {}, IMAGES_JOB + "data.test-fraction = 0.001\n")
# data.test-path: a folder that data.path skips as hidden
case("images-test-class-not-trained", "images", 3, ["/data/_test/zebra: class zebra (data.test-path) has no directory in"
     " data.path"], {"_test/cat/c.png": picture("cat", 5), "_test/zebra/z.png": picture("dog", 5)},
     IMAGES_JOB + 'data.test-path = ${data.path}"/_test"\n')
case("job-images-without-size", "images", 2, ["job.conf: line 9: data.type = images: needs data.image.height,"
     " data.image.width and data.image.channels (1 or 3), e.g. 64, 64, 3 (now 0x0x0)"], {}, "data.type = images\n")
case("job-images-without-test", "images", 2, ["job.conf: line 12: data.test-fraction = 0.0: data.type = images needs"
     " test images"], {},
     IMAGES_JOB + "data.test-fraction = 0\n")
