package sparktrain.worker.config;

import com.typesafe.config.Config;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import static sparktrain.worker.config.Key.bool;
import static sparktrain.worker.config.Key.choice;
import static sparktrain.worker.config.Key.custom;
import static sparktrain.worker.config.Key.derived;
import static sparktrain.worker.config.Key.doubleAtLeast;
import static sparktrain.worker.config.Key.doubleIn;
import static sparktrain.worker.config.Key.intAtLeast;
import static sparktrain.worker.config.Key.intIn;
import static sparktrain.worker.config.Key.longValue;
import static sparktrain.worker.config.Key.positive;
import static sparktrain.worker.config.Key.sizes;
import static sparktrain.worker.config.Key.string;

/**
 * Every job-file key, declared once: path, default, rule, and the line of docs/job-file.md's table
 * (which JobKeysTest checks against this file). The defaults job files fall back on are built from
 * here, and the config records take their values from here by name ({@link From}). A rule between two
 * keys sits on the later one. Derived values (no default) are computed for the records; no file sets them.
 */
public final class JobKeys {
    public static final Keys ALL = new Keys();

    public static final Key<String> NAME = ALL.add(string("name", "sparktrain",
            "names the run directory and the Spark application (letters, digits, `.`, `_`, `-`)")
            .and(name -> name.matches("[A-Za-z0-9._-]+"),
                    "must be letters, digits, '.', '_' or '-' (it names the run directory)"));
    public static final Key<Long> SEED = ALL.add(longValue("seed", 42,
            "seeds weight initialisation, the validation split and DL4J's training master"));

    public static final Key<String> DATA_TYPE = ALL.add(choice("data.type", "fashion-mnist", DataConfig.TYPES,
            "the data set: `fashion-mnist` (IDX files), `table` (any Spark SQL table: see `data.format`, "
                + "`data.features`, `data.label`), `images` (a folder of labelled images), `text` (a plain-text "
                + "corpus, for `char-lstm`), `sine` (generated noisy multi-frequency sine series) or "
                + "`csv-sequences` (numeric sequences in CSV), both for `timeseries-lstm`. See \"Your own data\""));
    public static final Key<String> DATA_PATH = ALL.add(string("data.path", "file:///usr/share/datasets/fashion-mnist",
            "`fashion-mnist`: directory holding `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, "
                + "`t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`, each plain or `.gz`; `text`: one UTF-8 "
                + "file, or a directory whose files are read in name order (hidden and `.dat` files skipped, and "
                + "files whose content repeats an earlier one's, such as the fortunes package's `.u8` links); "
                + "`csv-sequences`: see `data.csv-layout`; `table`: a file or directory of `data.format`; `images`: "
                + "a directory with one subdirectory of images per class (the subdirectory's name is the class); "
                + "`sine`: unused"));
    public static final Key<String> FORMAT = ALL.add(choice("data.format", "parquet", DataConfig.FORMATS,
            "`table`: the Spark SQL source that reads `data.path` (and `data.validation-path`, `data.test-path`): "
                + "`parquet`, `orc`, `csv` (see `data.csv.*`; column types inferred from the data) or `json` (one "
                + "object per line)"));
    public static final Key<List<String>> FEATURES = ALL.add(custom("data.features", List.of(), Settings::strings,
            "`table`: the input columns: numeric columns, or one column holding a Spark ML `Vector` or an "
                + "array of numbers (every row of the same length); a name ending in `*` stands for every column "
                + "starting with the rest, in the table's order, except the label and id columns (`[\"p*\"]`). "
                + "A missing column, a non-numeric one, a null, NaN or infinite value is an error naming the column "
                + "(and the file)")
            .and((s, path, features) -> {
                if (s.get(DATA_TYPE).equals("table") && features.isEmpty()) {
                    s.problem(path, "[]", "data.type = table needs the input columns, e.g. [x1, x2] or [features]");
                }
            }));
    public static final Key<List<String>> LABEL = ALL.add(custom("data.label", List.of("label"), Settings::strings,
            "`table`: the label column; strings or integers are classes, indexed in sorted order (integers as "
                + "numbers) and saved beside the model as `labels.json` (`{\"labels\": [...]}`); at least two "
                + "classes, at most `data.max-classes`; with `data.task = regression` one or more numeric columns"));
    public static final Key<String> TASK = ALL.add(choice("data.task", "classification", DataConfig.TASKS,
            "`table`: `classification` (softmax over the label's classes) or `regression` (the label columns' "
                + "values, standardised by the training rows' mean and deviation; `mlp` with `model.loss` `mse` or "
                + "`mae`; metrics.json's test object holds `rmse`, `mae`, `r2` and the mean predictor's `meanRmse`, "
                + "`meanMae`, `meanR2`, the baseline to beat)")
            .and((s, path, task) -> {
                boolean table = s.get(DATA_TYPE).equals("table");
                List<String> labels = s.get(LABEL);
                if (task.equals("regression") && !table) {
                    s.problem(path, task, "regression needs data.type = table");
                } else if (table && labels.isEmpty()) {
                    s.problem(LABEL.path(), "[]", "data.type = table needs the label column, e.g. label");
                } else if (table && task.equals("classification") && labels.size() > 1) {
                    s.problem(LABEL.path(), labels, "classification takes one label column; several numeric columns"
                            + " are learnt with data.task = regression");
                }
            }));
    public static final Key<String> ID = ALL.add(string("data.id", "",
            "`table`: a column whose value identifies a row: a row's split (validation, test) is a seeded hash "
                + "of it, the same on every run and partitioning; empty = a hash of the row's feature and label "
                + "values (identical rows then share a split)"));
    public static final Key<String> VALIDATION_PATH = ALL.add(string("data.validation-path", "",
            "`table`, `images`: separate validation data in the same format with the same columns (then no "
                + "`data.validation-fraction` is taken from `data.path`); empty = none"));
    public static final Key<String> TEST_PATH = ALL.add(string("data.test-path", "",
            "`table`, `images`: separate test data in the same format with the same columns (then no "
                + "`data.test-fraction` is taken from `data.path`); empty = none"));
    public static final Key<String> NORMALIZE = ALL.add(choice("data.normalize", "auto", DataConfig.NORMALIZATIONS,
            "`table`: scale each feature by statistics of the training rows (one distributed pass of Spark ML's "
                + "`Summarizer`, saved beside the model as `preprocessing.json`, `{\"method\", \"offset\", \"scale\"}`: "
                + "x' = (x - offset) * scale, applied to every minibatch in training, validation, test and `evaluate`): "
                + "`standard` (mean 0, sample deviation 1; a constant feature is only centred), `minmax` (to [0, 1]), "
                + "`none`; `auto` = `standard`, or `none` with `data.image.*` set (pixels are taken as given)"));
    public static final Key<Integer> MAX_CLASSES = ALL.add(intAtLeast("data.max-classes", 1000, 2,
            "`table`, `images`: the most classes a label may have, >= 2"));
    public static final Key<Boolean> SKIP_BAD_FILES = ALL.add(bool("data.skip-bad-files", false,
            "`images`: skip an image that cannot be decoded (counted in the log and `run.json`) instead of "
                + "stopping with an error naming it"));
    public static final Key<Boolean> CSV_HEADER = ALL.add(bool("data.csv.header", true,
            "`table` with `csv`: the first line names the columns (else they are `_c0`, `_c1`, ...)"));
    public static final Key<String> CSV_DELIMITER = ALL.add(string("data.csv.delimiter", ",",
            "`table` with `csv`: the field separator"));
    public static final Key<Integer> IMAGE_HEIGHT = ALL.add(intIn("data.image.height", 0, 0, 4096,
            "`images`: the height every image is resized to; `table`: the features are an image of this height "
                + "(with `width` and `channels`), flattened channel by channel and row by row (channels first), "
                + "for `lenet5` and `resnet-small`; 0 = not an image"));
    public static final Key<Integer> IMAGE_WIDTH = ALL.add(intIn("data.image.width", 0, 0, 4096,
            "`images`, `table`: the image width (see `data.image.height`)"));
    public static final Key<Integer> IMAGE_CHANNELS = ALL.add(intIn("data.image.channels", 0, 0, 3,
            "`images`: 1 (grey) or 3 (RGB) channels every image is converted to; `table`: the channels of the "
                + "flattened image (see `data.image.height`)")
            .and((s, path, channels) -> {
                String type = s.get(DATA_TYPE);
                int height = s.get(IMAGE_HEIGHT);
                int width = s.get(IMAGE_WIDTH);
                boolean none = height == 0 && width == 0 && channels == 0;
                boolean all = height > 0 && width > 0 && (channels == 1 || channels == 3);
                if (type.equals("images") && !all) {
                    // named by data.type, which the job file sets, so that the message names the file and line
                    s.problem("data.type", type, "needs data.image.height, data.image.width and data.image.channels"
                            + " (1 or 3), e.g. 64, 64, 3 (now " + height + "x" + width + "x" + channels + ")");
                } else if (type.equals("table") && !none && !all) {
                    s.problem("data.image", height + "x" + width + "x" + channels, "set all of data.image.height,"
                            + " data.image.width and data.image.channels (1 or 3), or none");
                }
            }));
    public static final Key<Double> VALIDATION_FRACTION = ALL.add(doubleIn("data.validation-fraction", 0.1, 0.0, 1.0, true,
            "share of the training rows (images, sequences, table rows) held out for validation, in [0, 1) "
                + "(`images`: unless `data.validation-path` is set): each row by a seeded hash of its id, so the share "
                + "is close to, not exactly, this; the test set is used only for the final metrics"));
    public static final Key<Double> TEST_FRACTION = ALL.add(doubleIn("data.test-fraction", 0.05, 0.0, 1.0, true,
            "sequence data sets, tables and `images` without `data.test-path`: share of the rows held out for the "
                + "final test metrics (by the seeded hash, as `validation-fraction`); "
                + "validation + test must be < 1 (Fashion-MNIST has its own test set)")
            .and((s, path, test) -> {
                if (s.get(DATA_TYPE).equals("images") && test == 0 && s.get(TEST_PATH).isEmpty()) {
                    s.problem(path, test, "data.type = images needs test images: a data.test-fraction > 0 or a"
                            + " data.test-path");
                }
                double validation = s.get(VALIDATION_FRACTION);
                if (validation + test >= 1.0) {
                    s.problem(path, test, "data.validation-fraction + data.test-fraction must be < 1 (now "
                            + validation + " + " + test + ")");
                }
            }));
    public static final Key<Integer> TRAIN_LIMIT = ALL.add(intAtLeast("data.train-limit", 0, 0,
            "use only the first N training images, or the N training table rows, sequences or image files of "
                + "the lowest ids (`images`: the hashes of their paths, a fixed random choice) (0 = all); for quick runs"));
    public static final Key<Integer> TEST_LIMIT = ALL.add(intAtLeast("data.test-limit", 0, 0,
            "use only the first N test images, or the N test table rows, sequences or image files of the lowest "
                + "ids (0 = all)"));
    public static final Key<Boolean> HORIZONTAL_FLIP = ALL.add(bool("data.augment.horizontal-flip", false,
            "images (`fashion-mnist`, `images`, a table with `data.image.*`): every epoch, mirror each training image left to right with probability 1/2 "
                + "(validation and test images are never changed)"));
    public static final Key<Integer> MAX_SHIFT = ALL.add(intAtLeast("data.augment.max-shift", 0, 0,
            "images: every epoch, move each training image by up to this many pixels up or down and "
                + "left or right (uniform, seeded by `seed`, the epoch and the partition), black where nothing "
                + "moved in; 0 = off, at most 13")
            .and(shift -> shift <= 13, "must be at most 13 pixels (half a 28-pixel image)"));
    public static final Key<Integer> CUTOUT = ALL.add(intAtLeast("data.augment.cutout", 0, 0,
            "images: every epoch, blacken a square this many pixels on a side in each training "
                + "image (after any flip and shift), centred on a uniformly drawn pixel so that it may hang over "
                + "the edge (DeVries and Taylor 2017); 0 = off, at most 28")
            .and(cutout -> cutout <= 28, "must be at most 28 pixels (a whole 28-pixel image)"));
    public static final Key<Boolean> TEST_FLIP = ALL.add(bool("data.augment.test-flip", false,
            "images: classify each validation and test image and its mirror image and average the "
                + "two outputs (test-time augmentation), in `train` and `evaluate`; for networks trained with "
                + "`horizontal-flip` (a network that never saw mirror images gets worse: 0.9202 to 0.8570 test "
                + "accuracy on resnet-small); to compare on a trained model without reading the test set: "
                + "`evaluate --split validation` with and without `--set data.augment.test-flip=true`")
            .and((s, path, testFlip) -> {
                String type = s.get(DATA_TYPE);
                boolean augments = DataConfig.augments(s.get(HORIZONTAL_FLIP), s.get(MAX_SHIFT), s.get(CUTOUT));
                if ((augments || testFlip) && !DataConfig.images(type, s.get(IMAGE_HEIGHT))) {
                    s.problem("data.augment", type, "image augmentation is for images: data.type = fashion-mnist,"
                            + " images, or a table with data.image.*");
                }
            }));
    public static final Key<Integer> SEQUENCE_LENGTH = ALL.add(intAtLeast("data.sequence-length", 100, 2,
            "`text`: characters per sequence (each file's text is cut into consecutive sequences; each "
                + "predicts the same characters shifted by one); `sine`, `csv-sequences` with `series`: input steps per "
                + "sequence (each window holds one more step, the last target), >= 2"));
    public static final Key<String> CSV_LAYOUT = ALL.add(choice("data.csv-layout", "files", DataConfig.CSV_LAYOUTS,
            "`csv-sequences`: `files` (`data.path` is a directory, every file one sequence, all with the "
                + "same number of rows) or `series` (`data.path` is one file holding one long series, cut into "
                + "windows of `sequence-length + 1` rows, consecutive windows sharing one row). Every row is a "
                + "time step, every column a value (all columns are inputs and all are forecast), no header line; "
                + "every cell must be a finite number"));
    public static final Key<Integer> SINE_SERIES = ALL.add(intAtLeast("data.sine.series", 2000, 1,
            "`sine`: number of series, each `sequence-length + 1` steps, each the sum of three sines of "
                + "random frequency (0.02 to 0.15 cycles per step), amplitude (0.2 to 0.8) and phase, seeded by "
                + "`seed`"));
    public static final Key<Double> SINE_NOISE = ALL.add(doubleAtLeast("data.sine.noise", 0.05, 0.0,
            "`sine`: standard deviation of the Gaussian noise added to every value, >= 0"));

    public static final Key<String> MODEL_TYPE = ALL.add(choice("model.type", "lenet5", ModelConfig.TYPES,
            "`mlp`, `lenet5` (conv 5x5 - max pool - conv 5x5 - max pool - dense - softmax) or `resnet-small` "
                + "(a ComputationGraph: 3x3 stem and max pool, then per `model.conv-channels` entry a residual "
                + "block of two 3x3 conv + batch norm, stages after the first starting with a stride-2 conv; then "
                + "global average pooling or, with `model.global-pooling = false`, the flattened maps; an optional "
                + "dense layer; softmax), for `fashion-mnist`; `char-lstm` (character embedding, stacked LSTMs, "
                + "softmax over the vocabulary at every step) for `text`; `timeseries-lstm` (stacked LSTMs, a "
                + "linear output of every column at every step) for `sine` and `csv-sequences`")
            .and((s, path, type) -> {
                String data = s.get(DATA_TYPE);
                boolean fits = DataConfig.sequences(data) == ModelConfig.recurrent(type)
                        && data.equals("text") == type.equals("char-lstm")
                        && (type.equals("mlp") || ModelConfig.recurrent(type) || DataConfig.images(data, s.get(IMAGE_HEIGHT)))
                        && (!s.get(TASK).equals("regression") || type.equals("mlp"));
                if (DataConfig.TYPES.contains(data) && !fits) {
                    s.problem(path, type, "does not fit data.type " + data + ", which takes " + switch (data) {
                        case "text" -> "char-lstm";
                        case "sine", "csv-sequences" -> "timeseries-lstm";
                        case "table" -> s.get(TASK).equals("regression") ? "mlp (data.task = regression)"
                                : s.get(IMAGE_HEIGHT) > 0 ? "mlp, lenet5 or resnet-small"
                                : "mlp (lenet5 and resnet-small with data.image.*)";
                        default -> "mlp, lenet5 or resnet-small";
                    });
                }
            }));
    public static final Key<List<Integer>> HIDDEN_LAYERS = ALL.add(sizes("model.hidden-layers", List.of(256, 128), true,
            "`mlp`: sizes of the hidden dense layers; `char-lstm`, `timeseries-lstm`: sizes of the stacked "
                + "LSTM layers (at least one; tanh, whatever `model.activation` says)")
            .and((s, path, sizes) -> {
                String type = s.get(MODEL_TYPE);
                if (ModelConfig.recurrent(type) && sizes.isEmpty()) {
                    s.problem(path, "[]", type + " needs at least one LSTM layer size, e.g. [256, 256]");
                }
            }));
    public static final Key<Integer> EMBEDDING_SIZE = ALL.add(intAtLeast("model.embedding-size", 32, 1,
            "`char-lstm`: size of the learned vector of each character (DL4J's EmbeddingSequenceLayer: the "
                + "network takes character indices, not one-hot vectors)"));
    /** The model's default loss when empty. */
    public static final Key<String> LOSS = ALL.add(custom("model.loss", "", JobKeys::loss,
            "classifiers (`mlp`, `lenet5`, `resnet-small`): `mcxent` (cross-entropy with softmax; the "
                + "default) or `hinge` (one-vs-rest hinge on a linear output); `char-lstm`: `mcxent` (sparse: "
                + "labels are character indices); `timeseries-lstm` and `data.task = regression`: `mse` (the "
                + "default) or `mae`. Empty = the model's default. DL4J has no Huber loss"));
    public static final Key<List<Integer>> CONV_CHANNELS = ALL.add(sizes("model.conv-channels", List.of(20, 50), false,
            "`lenet5`: channels of the two convolution layers (exactly two); `resnet-small`: channels of "
                + "each stage")
            .and((s, path, channels) -> {
                if (s.get(MODEL_TYPE).equals("lenet5") && channels.size() != 2) {
                    s.problem(path, channels, "lenet5 takes exactly two sizes, e.g. [20, 50]");
                }
            }));
    public static final Key<Integer> DENSE_SIZE = ALL.add(intAtLeast("model.dense-size", 500, 0,
            "`lenet5`, `resnet-small`: size of the dense layer (`model.activation`) before the softmax; 0 = "
                + "none"));
    public static final Key<Boolean> GLOBAL_POOLING = ALL.add(bool("model.global-pooling", true,
            "`resnet-small`: average each feature map of the last stage (true) or flatten the maps (false) "
                + "before the dense layer and the softmax"));
    public static final Key<Boolean> BATCH_NORM = ALL.add(bool("model.batch-norm", false,
            "batch normalisation after each convolution (`lenet5`) or hidden layer (`mlp`)"));
    public static final Key<Double> LABEL_SMOOTHING = ALL.add(doubleIn("model.label-smoothing", 0.0, 0.0, 1.0, true,
            "`mlp`, `lenet5`, `resnet-small` with `mcxent`: train against labels with this share spread "
                + "evenly over all classes (Szegedy et al. 2016: 0.1 gives the true class 0.91 and each other "
                + "class 0.01 of ten), in [0, 1); validation and test labels stay one-hot. The training loss "
                + "(progress bar, `history.csv`) is then measured against the smoothed labels, so it cannot fall "
                + "below their entropy")
            .and((s, path, smoothing) -> {
                if (smoothing > 0 && (ModelConfig.recurrent(s.get(MODEL_TYPE)) || !s.get(LOSS).equals("mcxent"))) {
                    s.problem(path, smoothing, "only the image classifiers (mlp, lenet5, resnet-small)"
                            + " with model.loss = mcxent take it");
                }
            }));
    public static final Key<Double> DROPOUT = ALL.add(doubleIn("model.dropout", 0.0, 0.0, 1.0, true,
            "probability of dropping a unit, in [0, 1), before the output layer (and between hidden layers "
                + "of `mlp`, and before every LSTM layer but the first)"));
    public static final Key<Double> FEATURE_DROPOUT = ALL.add(doubleIn("model.feature-dropout", 0.0, 0.0, 1.0, true,
            "`lenet5`, `resnet-small`: probability of dropping each value of the convolutional features "
                + "before the dense layer (0 = none; needs `model.dense-size` > 0)"));
    public static final Key<String> ACTIVATION = ALL.add(choice("model.activation", "relu", ModelConfig.ACTIVATIONS,
            "`relu`, `leakyrelu`, `elu`, `tanh`, `sigmoid`"));
    public static final Key<String> WEIGHT_INIT = ALL.add(choice("model.weight-init", "relu", ModelConfig.WEIGHT_INITS,
            "`xavier`, or `relu` (He et al.; `he` is the same)"));

    public static final Key<String> MODE = ALL.add(choice("training.mode", "averaging", TrainingConfig.MODES,
            "`averaging`: DL4J's ParameterAveragingTrainingMaster (synchronous); `sharing`: DL4J's "
                + "SharedTrainingMaster (threshold-encoded updates over Aeron)"));
    public static final Key<Integer> EPOCHS = ALL.add(intAtLeast("training.epochs", 10, 1,
            "passes over the training data (fewer with early stopping)"));
    public static final Key<Integer> BATCH_SIZE = ALL.add(intAtLeast("training.batch-size", 32, 1,
            "minibatch size per worker"));
    public static final Key<String> UPDATER = ALL.add(choice("training.updater", "adam", TrainingConfig.UPDATERS,
            "`sgd`, `nesterovs`, `adagrad`, `rmsprop`, `adam`"));
    public static final Key<Double> LEARNING_RATE = ALL.add(positive("training.learning-rate", 0.001,
            "> 0"));
    public static final Key<String> SCHEDULE = ALL.add(choice("training.schedule.type", "constant", ScheduleConfig.TYPES,
            "learning-rate schedule, by epoch: `constant`, `step` (times `decay` every `step-epochs`), "
                + "`exponential` (times `decay` every epoch), `cosine` (cosine annealing to `min-learning-rate` "
                + "over `training.epochs`), `one-cycle` (linear warm-up from rate/10 over `warmup-fraction` of the "
                + "epochs, then cosine down to `min-learning-rate`)"));
    public static final Key<Double> DECAY = ALL.add(doubleIn("training.schedule.decay", 0.5, 0.0, 1.0, false,
            "`step` and `exponential`: the factor, in [0, 1]"));
    public static final Key<Integer> STEP_EPOCHS = ALL.add(intAtLeast("training.schedule.step-epochs", 3, 1,
            "`step`: epochs between two decays"));
    public static final Key<Double> MIN_LEARNING_RATE = ALL.add(doubleAtLeast("training.schedule.min-learning-rate", 0.0, 0.0,
            "`cosine` and `one-cycle`: the final rate"));
    public static final Key<Double> WARMUP_FRACTION = ALL.add(doubleIn("training.schedule.warmup-fraction", 0.3, 0.0, 1.0,
            true, "`one-cycle`: share of the epochs spent warming up, in [0, 1)"));
    public static final Key<Double> MOMENTUM = ALL.add(doubleIn("training.momentum", 0.9, 0.0, 1.0, true,
            "momentum of `nesterovs`, in [0, 1)"));
    public static final Key<Double> L1 = ALL.add(doubleAtLeast("training.l1", 0.0, 0.0,
            "L1 regularisation coefficient, >= 0"));
    public static final Key<Double> L2 = ALL.add(doubleAtLeast("training.l2", 0.0, 0.0,
            "L2 regularisation coefficient, >= 0"));
    public static final Key<Double> WEIGHT_DECAY = ALL.add(doubleAtLeast("training.weight-decay", 0.0, 0.0,
            "decoupled weight decay coefficient, >= 0"));
    public static final Key<Integer> WORKERS = ALL.add(intAtLeast("training.workers", 0, 0,
            "number of Spark workers (partitions trained at once); 0 = Spark's default parallelism"));
    public static final Key<Integer> THREADS_PER_WORKER = ALL.add(intAtLeast("training.threads-per-worker", 0, 0,
            "local mode: ND4J threads per worker; 0 = cores / workers"));
    /** The fixed frequency, or {@link AutoFrequencyConfig#AUTO}. */
    public static final Key<Integer> AVERAGING_FREQUENCY = ALL.add(custom("training.averaging-frequency", 10,
            AutoFrequencyConfig::readFrequency,
            "minibatches each worker fits between two parameter averagings, >= 1; or `auto` (below)"));
    public static final Key<Double> COMMUNICATION_SHARE = ALL.add(doubleIn("training.auto-frequency.communication-share",
            0.1, 0.01, 0.9, false,
            "`auto`: the largest share of an epoch that averaging rounds may spend not fitting (broadcast, "
                + "task start, aggregation), in [0.01, 0.9]"));
    public static final Key<Integer> AUTO_FIRST = ALL.add(intAtLeast("training.auto-frequency.first", 10, 1,
            "`auto`: the frequency of the first epoch, before anything is measured"));
    public static final Key<Integer> AUTO_MIN = ALL.add(intAtLeast("training.auto-frequency.min", 1, 1,
            "`auto`: the smallest frequency it picks"));
    public static final Key<Integer> AUTO_MAX = ALL.add(intAtLeast("training.auto-frequency.max", 50, 1,
            "`auto`: the largest frequency it picks (larger frequencies converge worse)")
            .and((s, path, max) -> {
                int min = s.get(AUTO_MIN);
                int first = s.get(AUTO_FIRST);
                if (min > max) {
                    s.problem(AUTO_MIN.path(), min, "must be <= training.auto-frequency.max (" + max + ")");
                } else if (first < min || first > max) {
                    s.problem(AUTO_FIRST.path(), first, "must be in [training.auto-frequency.min,"
                            + " training.auto-frequency.max] = [" + min + ", " + max + "]");
                }
            }));
    public static final Key<Boolean> AUTO_FREQUENCY = ALL.add(derived("training.auto-frequency.enabled",
            (s, name) -> s.get(AVERAGING_FREQUENCY) == AutoFrequencyConfig.AUTO));
    /** The averaging frequency of the first epoch: the fixed one, or auto's first. */
    public static final Key<Integer> FIRST_FREQUENCY = ALL.add(derived("training.averaging-frequency.first",
            (s, name) -> s.get(AUTO_FREQUENCY) ? s.get(AUTO_FIRST) : s.get(AVERAGING_FREQUENCY)));
    public static final Key<Integer> PREFETCH = ALL.add(intAtLeast("training.prefetch", 2, 0,
            "minibatches each worker prefetches asynchronously (0 = off)"));
    public static final Key<Boolean> AVERAGE_UPDATERS = ALL.add(bool("training.average-updaters", true,
            "average the updater state (Adam's moments) too, not only the parameters"));
    public static final Key<String> RDD_APPROACH = ALL.add(choice("training.rdd-approach", "direct",
            TrainingConfig.RDD_APPROACHES,
            "`direct`: workers fit the RDD's minibatches; `export`: minibatches are first written to "
                + "`training.export-dir` and workers read them back (needs a file system every executor shares on "
                + "a cluster, e.g. HDFS)"));
    public static final Key<String> EXPORT_DIR = ALL.add(string("training.export-dir", "",
            "where `export` writes minibatches; empty = DL4J's default under the default file system"));
    public static final Key<Integer> CHECKPOINT_EVERY = ALL.add(intAtLeast("training.checkpoint.every", 1, 0,
            "write a checkpoint every N epochs (and after the last); 0 = never"));
    public static final Key<Integer> CHECKPOINT_KEEP = ALL.add(intAtLeast("training.checkpoint.keep", 2, 1,
            "checkpoints kept (the newest)"));
    public static final Key<String> THRESHOLD = ALL.add(choice("training.sharing.threshold", "adaptive",
            SharingConfig.THRESHOLDS,
            "`sharing`: `adaptive` (DL4J's AdaptiveThresholdAlgorithm: keeps the share of elements sent "
                + "between the two sparsity bounds) or `fixed`"));
    public static final Key<Double> INITIAL_THRESHOLD = ALL.add(positive("training.sharing.initial-threshold", 1e-3,
            "`sharing`: the (initial) encoding threshold, > 0"));
    public static final Key<Double> MIN_SPARSITY = ALL.add(doubleIn("training.sharing.min-sparsity", 1e-3, 0.0, 1.0, false,
            "`sharing`, `adaptive`: the smallest share of update elements sent per step"));
    public static final Key<Double> MAX_SPARSITY = ALL.add(doubleIn("training.sharing.max-sparsity", 1e-2, 0.0, 1.0, false,
            "`sharing`, `adaptive`: the largest share of update elements sent per step")
            .and((s, path, max) -> {
                double min = s.get(MIN_SPARSITY);
                if (min > max) {
                    s.problem(MIN_SPARSITY.path(), min, "must be <= training.sharing.max-sparsity (" + max + ")");
                }
            }));
    public static final Key<Double> RESIDUAL_CLIP = ALL.add(doubleAtLeast("training.sharing.residual-clip", 0.0, 0.0,
            "`sharing`: clip the residual (what was not sent yet) to this many thresholds every "
                + "`residual-clip-frequency` steps (DL4J's ResidualClippingPostProcessor, whose own default is 5); "
                + "0 = off. Clip when the learning rate decays a lot (see Gradient sharing)."));
    public static final Key<Integer> RESIDUAL_CLIP_FREQUENCY = ALL.add(intAtLeast("training.sharing.residual-clip-frequency",
            5, 1, "`sharing`: steps between residual clips"));
    public static final Key<Boolean> SCALE_WITH_LEARNING_RATE = ALL.add(bool("training.sharing.scale-with-learning-rate",
            true, "`sharing`: multiply the threshold by the schedule's learning rate over its initial one, so the "
                + "steps sent (one threshold each) anneal with the schedule; the adaptive algorithm adapts the "
                + "threshold as at the initial rate (see Gradient sharing). No effect with a constant schedule"));
    public static final Key<Integer> WORKERS_PER_NODE = ALL.add(intAtLeast("training.sharing.workers-per-node", 0, 0,
            "`sharing`: training threads per executor; 0 = DL4J's default"));
    public static final Key<String> CONTROLLER_ADDRESS = ALL.add(string("training.sharing.controller-address", "",
            "`sharing`: the driver's address the executors reach; empty = DL4J picks one"));
    public static final Key<Integer> CONTROLLER_PORT = ALL.add(intIn("training.sharing.controller-port", 49876, 1024, 65535,
            "`sharing`: Aeron's UDP port of the controller on the driver (in local mode the only one bound); "
                + "it must be free on the driver (checked before training) and lie outside the executors' ports, "
                + "so that an executor on the driver's host never takes it"));
    public static final Key<Integer> UNICAST_PORT = ALL.add(intIn("training.sharing.unicast-port", 40123, 1024, 65535,
            "`sharing`: the first of the executors' UDP ports: each executor JVM takes the first port from here "
                + "on that no other JVM of its host holds and nothing has bound, so several executors share a host "
                + "(see Gradient sharing on a cluster)"));
    public static final Key<Integer> UNICAST_PORT_COUNT = ALL.add(intIn("training.sharing.unicast-port-count", 100, 1, 1000,
            "`sharing`: how many ports executors may take from `unicast-port` on (40123-40222 by default): at "
                + "least the executors per host; the range a firewall opens on executor hosts")
            .and((s, path, count) -> {
                int first = s.get(UNICAST_PORT);
                int last = first + count - 1;
                int controller = s.get(CONTROLLER_PORT);
                if (last > 65535) {
                    s.problem(path, count, "must end the executors' ports at 65535 or below"
                            + " (training.sharing.unicast-port = " + first + ")");
                } else if (controller >= first && controller <= last) {
                    s.problem(CONTROLLER_PORT.path(), controller, "must lie outside the executors' ports " + first
                            + "-" + last + " (training.sharing.unicast-port, unicast-port-count)");
                }
            }));
    public static final Key<String> NETWORK_MASK = ALL.add(string("training.sharing.network-mask", "",
            "`sharing`: pick the interface in this subnet, e.g. `10.1.0.0/16`; empty = DL4J's choice"));
    public static final Key<Integer> LOSS_SAMPLE = ALL.add(intAtLeast("training.loss-sample", 5000, 1,
            "training examples on which the training loss is measured after each epoch"));
    public static final Key<Integer> TBPTT_LENGTH = ALL.add(intAtLeast("training.tbptt-length", 0, 0,
            "LSTMs: truncated backpropagation through time, in steps: the gradient of each sequence is "
                + "computed over segments of this many steps, the LSTM state carried from one to the next; 0 = "
                + "full backpropagation through the whole sequence"));
    public static final Key<String> GRADIENT_NORMALIZATION = ALL.add(choice("training.gradient-normalization", "none",
            TrainingConfig.GRADIENT_NORMALIZATIONS,
            "DL4J's GradientNormalization, applied to every layer before the update: `clip-element` (clip "
                + "each gradient element to ±threshold), `clip-l2-layer`, `clip-l2-param` (scale the layer's, or "
                + "each parameter type's, gradient down when its L2 norm exceeds the threshold), "
                + "`renormalize-l2-layer`, `renormalize-l2-param` (divide by the L2 norm, threshold unused), "
                + "`none`. LSTMs want one"));
    public static final Key<Double> GRADIENT_THRESHOLD = ALL.add(positive("training.gradient-threshold", 1.0,
            "the threshold of the `clip-*` normalisations, > 0"));
    public static final Key<Integer> PATIENCE = ALL.add(intAtLeast("training.early-stopping.patience", 0, 0,
            "stop when the validation metric (accuracy, bits per character or RMSE) has not improved for "
                + "this many epochs and keep the best epoch's model; 0 = off (needs a validation set)"));
    public static final Key<Boolean> COLLECT_STATS = ALL.add(bool("training.collect-stats", false,
            "collect DL4J's Spark training stats (time broadcasting, fitting, aggregating, per worker) and "
                + "chart them in `report.html`; parameter averaging only (DL4J's SharedTrainingMaster keeps none)"));

    public static final Key<Long> STALL_TIMEOUT = ALL.add(custom("training.stall-timeout", "auto",
            MonitorConfig::readStallTimeout,
            "stop the run (exit 6, \"stalled\") when nothing finishes for this long: no averaging round, task, "
                + "evaluation or checkpoint (a sweep's trial is marked failed and the sweep goes on); `auto` = the "
                + "larger of 10 minutes and 5x the longest such wait seen so far; a duration (`90s`, `20m`), or `0` "
                + "= off. See \"When a run stalls\""));

    public static final Key<String> MASTER = ALL.add(string("spark.master", "local[*]",
            "Spark master when neither `--master` nor spark-submit gives one")
            .and(master -> !master.isBlank(), "must name a master, e.g. local[*] or spark://host:7077"));
    public static final Key<Boolean> KRYO = ALL.add(bool("spark.kryo", false,
            "use Kryo serialization; ND4J's Kryo registrator (`org.nd4j.kryo.Nd4jRegistrator`) is registered "
                + "automatically, as DL4J requires, and after it sparktrain's (`sparktrain.worker.io.KryoClasses`), "
                + "which copies INDArrays' values in blocks (parameter averaging's rounds cost less) and writes "
                + "records with Java serialization"));
    public static final Key<Map<String, String>> SPARK_CONF = ALL.add(custom("spark.conf", Map.of(),
            SparkSettings::readConf,
            "any Spark setting, passed as it is, e.g. `spark.conf { \"spark.executor.memory\" = 4g }`"));
    public static final Key<String> OUTPUT_DIR = ALL.add(string("output.dir", "",
            "run directory when `--output` is not given; empty = `runs/<name>-<timestamp>`"));
    public static final Key<Integer> PROGRESS_SECONDS = ALL.add(intAtLeast("log.progress-seconds", 30, 1,
            "without a progress bar (not a terminal, `--quiet`, or a cluster master): log one progress line "
                + "every N seconds while an epoch trains, >= 1"));

    static final String RESOLVED_NAME = "resolved job file";
    /** The whole resolved job file, for job.conf and run.json. */
    public static final Key<Config> RESOLVED = ALL.add(derived(RESOLVED_NAME, (s, name) -> s.config()));

    private JobKeys() {
    }

    /** model.loss: one the model type takes; empty is the type's own default. */
    private static String loss(Settings s, String path) {
        String type = s.get(MODEL_TYPE);
        String loss = s.string(path).toLowerCase(Locale.ROOT);
        List<String> losses = s.get(TASK).equals("regression") ? ModelConfig.REGRESSION_LOSSES
                : ModelConfig.LOSSES.getOrDefault(type, List.of());
        if (loss.isEmpty() && !losses.isEmpty()) {
            return losses.get(0);
        }
        if (!losses.isEmpty() && !losses.contains(loss)) {
            s.problem(path, loss, "model.type " + type + " takes " + String.join(" or ", losses));
        }
        return loss;
    }
}
