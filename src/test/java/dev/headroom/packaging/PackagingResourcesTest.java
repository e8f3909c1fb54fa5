package dev.headroom.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Checks the committed installer inputs (packaging/, icons/) that jpackage cannot check for us: a missing icon size or
 * a lost LSUIElement only shows up on another OS, after installing. Runs from the project directory (surefire's cwd).
 */
class PackagingResourcesTest {

  private static final Path ROOT = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  private static final Path ICONS = ROOT.resolve("icons");
  private static final Path PACKAGING = ROOT.resolve("packaging");

  @Test
  void macInfoPlistMakesHeadroomAMenuBarAgentWithoutDockIcon() throws Exception {
    Map<String, Node> plist = plistDict(PACKAGING.resolve("macos/Info.plist"));

    assertThat(plist).containsKey("LSUIElement");
    assertThat(plist.get("LSUIElement").getNodeName()).isEqualTo("true");
  }

  @Test
  void macInfoPlistNamesTheBundleIdentifierAndIcns() throws Exception {
    Map<String, Node> plist = plistDict(PACKAGING.resolve("macos/Info.plist"));

    assertThat(plist.get("CFBundleIdentifier").getTextContent()).isEqualTo("dev.headroom.app");
    assertThat(plist.get("CFBundleExecutable").getTextContent()).isEqualTo("Headroom");
    assertThat(plist.get("CFBundleIconFile").getTextContent()).isEqualTo("Headroom.icns");
  }

  @Test
  void macInfoPlistVersionMatchesThePom() throws Exception {
    Map<String, Node> plist = plistDict(PACKAGING.resolve("macos/Info.plist"));
    String pomVersion = parse(ROOT.resolve("pom.xml")).getDocumentElement()
        .getElementsByTagName("version").item(0).getTextContent().replace("-SNAPSHOT", "");

    assertThat(plist.get("CFBundleShortVersionString").getTextContent()).isEqualTo(pomVersion);
    assertThat(plist.get("CFBundleVersion").getTextContent()).isEqualTo(pomVersion);
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 32, 48, 64, 128, 256, 512, 1024})
  void appIconPngExistsInSize(int size) throws IOException {
    BufferedImage img = read(ICONS.resolve("headroom-" + size + ".png"));

    assertThat(img.getWidth()).isEqualTo(size);
    assertThat(img.getHeight()).isEqualTo(size);
    assertThat(img.getColorModel().hasAlpha()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(ints = {16, 22, 24, 32, 48})
  void trayIconHasLightAndDarkVariantsInSize(int size) throws IOException {
    for (String variant : List.of("on-light", "on-dark")) {
      BufferedImage img = read(ICONS.resolve("tray/headroom-tray-" + variant + "-" + size + ".png"));
      assertThat(img.getWidth()).as(variant).isEqualTo(size);
      assertThat(img.getHeight()).as(variant).isEqualTo(size);
      assertThat(img.getColorModel().hasAlpha()).as(variant).isTrue();
    }
  }

  @Test
  void macTrayTemplateImagesAreBlackPlusAlphaAtOneAndTwoX() throws IOException {
    BufferedImage x1 = read(ICONS.resolve("tray/headroomTemplate.png"));
    BufferedImage x2 = read(ICONS.resolve("tray/headroomTemplate@2x.png"));

    assertThat(x2.getWidth()).isEqualTo(2 * x1.getWidth());
    assertThat(x2.getHeight()).isEqualTo(2 * x1.getHeight());
    for (BufferedImage img : List.of(x1, x2)) {
      assertThat(img.getColorModel().hasAlpha()).isTrue();
      int visible = 0;
      for (int y = 0; y < img.getHeight(); y++) {
        for (int x = 0; x < img.getWidth(); x++) {
          int argb = img.getRGB(x, y);
          if ((argb >>> 24) > 0) {
            visible++;
            assertThat(argb & 0xFFFFFF).as("pixel %d,%d", x, y).isZero();
          }
        }
      }
      assertThat(visible).isGreaterThan(img.getWidth());
    }
  }

  @Test
  void icnsIsAWellFormedIconFamilyWithRetinaSizes() throws IOException {
    byte[] icns = Files.readAllBytes(ICONS.resolve("headroom.icns"));
    ByteBuffer buf = ByteBuffer.wrap(icns).order(ByteOrder.BIG_ENDIAN);

    assertThat(new String(icns, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("icns");
    assertThat(buf.getInt(4)).isEqualTo(icns.length);
    assertThat(icns.length).isGreaterThan(20_000);
    List<String> types = new java.util.ArrayList<>();
    for (int at = 8; at + 8 <= icns.length; ) {
      types.add(new String(icns, at, 4, StandardCharsets.US_ASCII));
      int len = buf.getInt(at + 4);
      assertThat(len).isGreaterThanOrEqualTo(8);
      at += len;
    }
    assertThat(types).contains("ic08", "ic09", "ic10"); // 256, 512, 1024 (512@2x)
  }

  @Test
  void icoHoldsEverySizeWindowsUses() throws IOException {
    byte[] ico = Files.readAllBytes(ICONS.resolve("headroom.ico"));
    ByteBuffer buf = ByteBuffer.wrap(ico).order(ByteOrder.LITTLE_ENDIAN);

    assertThat(buf.getShort(0)).isZero();
    assertThat(buf.getShort(2)).isEqualTo((short) 1);
    int count = buf.getShort(4);
    List<Integer> sizes = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      int w = Byte.toUnsignedInt(ico[6 + 16 * i]);
      sizes.add(w == 0 ? 256 : w);
    }
    assertThat(sizes).contains(16, 32, 48, 256);
    assertThat(ico.length).isGreaterThan(20_000);
  }

  @Test
  void linuxDesktopEntryHasNameExecIconAndCategories() throws IOException {
    List<String> lines = Files.readAllLines(PACKAGING.resolve("linux/Headroom.desktop"));
    Map<String, String> entry = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        entry.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }

    assertThat(lines.get(0)).isEqualTo("[Desktop Entry]");
    assertThat(entry).containsEntry("Type", "Application").containsEntry("Name", "Headroom");
    assertThat(entry.get("Exec")).endsWith("/bin/Headroom");
    assertThat(entry.get("Icon")).endsWith(".png");
    assertThat(entry.get("Categories")).contains("Utility").endsWith(";");
  }

  @Test
  void buildScriptPinsTheWindowsUpgradeUuid() throws IOException {
    String script = Files.readString(PACKAGING.resolve("build-installer.sh"));

    assertThat(script).containsPattern("WIN_UPGRADE_UUID=\"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\"");
    assertThat(script).contains("--win-upgrade-uuid \"$WIN_UPGRADE_UUID\"", "--win-menu", "--win-shortcut");
  }

  private static BufferedImage read(Path png) throws IOException {
    assertThat(png).isRegularFile();
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img).as("decodable %s", png).isNotNull();
    return img;
  }

  /** The top-level dict of an Apple plist: key name -> value element. */
  private static Map<String, Node> plistDict(Path file) throws Exception {
    Element dict = (Element) parse(file).getDocumentElement().getElementsByTagName("dict").item(0);
    Map<String, Node> out = new LinkedHashMap<>();
    String key = null;
    NodeList children = dict.getChildNodes();
    for (int i = 0; i < children.getLength(); i++) {
      Node n = children.item(i);
      if (n.getNodeType() != Node.ELEMENT_NODE) {
        continue;
      }
      if (n.getNodeName().equals("key")) {
        key = n.getTextContent();
      } else if (key != null) {
        out.put(key, n);
        key = null;
      }
    }
    return out;
  }

  private static Document parse(Path file) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    // The plist DOCTYPE points at apple.com: never fetch it (tests are offline).
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setNamespaceAware(false);
    DocumentBuilder b = f.newDocumentBuilder();
    return b.parse(file.toFile());
  }
}
