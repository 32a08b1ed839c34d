package sparktrain.testing;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Image folders for the tests, written with ImageIO: one subdirectory per class of small synthetic pictures that a
 * small network tells apart (horizontal stripes, vertical stripes, a disk), each in random colours and sizes, PNG
 * and JPEG by turns.
 */
public final class ImageFolders {
    public static final String[] CLASSES = {"disk", "stripes across", "stripes down"};

    private ImageFolders() {
    }

    /** {@code perClass} images of each of {@link #CLASSES} under {@code root}; returns {@code root}. */
    public static Path shapes(Path root, int perClass, long seed) throws IOException {
        Random random = new Random(seed);
        for (String c : CLASSES) {
            Files.createDirectories(root.resolve(c));
            for (int i = 0; i < perClass; i++) {
                int width = 14 + random.nextInt(10);
                int height = 14 + random.nextInt(10);
                BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = image.createGraphics();
                g.setColor(new Color(random.nextInt(0x808080)));
                g.fillRect(0, 0, width, height);
                g.setColor(new Color(0x7f7f7f + random.nextInt(0x808080)));
                int step = 3 + random.nextInt(2);
                int offset = random.nextInt(step);
                switch (c) {
                    case "disk" -> g.fillOval(2 + random.nextInt(3), 2 + random.nextInt(3), width - 5, height - 5);
                    case "stripes across" -> {
                        for (int y = offset; y < height; y += step * 2) {
                            g.fillRect(0, y, width, step);
                        }
                    }
                    default -> {
                        for (int x = offset; x < width; x += step * 2) {
                            g.fillRect(x, 0, step, height);
                        }
                    }
                }
                g.dispose();
                String format = i % 2 == 0 ? "png" : "jpg";
                write(image, format, root.resolve(c).resolve(String.format("%s-%03d.%s", c.charAt(0), i, format)));
            }
        }
        return root;
    }

    public static void write(BufferedImage image, String format, Path file) throws IOException {
        if (!ImageIO.write(image, format, file.toFile())) {
            throw new IOException("no ImageIO writer for " + format);
        }
    }

    /** A picture of {@code width} x {@code height} pixels from packed RGB values, row by row. */
    public static BufferedImage rgb(int width, int height, int... pixels) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, width, height, pixels, 0, width);
        return image;
    }

    /** A grey picture of {@code width} x {@code height} pixels from its 8-bit levels, row by row. */
    public static BufferedImage grey(int width, int height, int... levels) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setSamples(0, 0, width, height, 0, levels);
        return image;
    }
}
