package archiveview

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"os"
	"path/filepath"
)

// assets are the viewer's script and style sheet, copied into AssetsDir.
//
//go:embed assets/viewer.js assets/viewer.css
var assets embed.FS

var assetNames = []string{"viewer.js", "viewer.css"}

// assetsHash identifies this viewer's assets and templates, for the stamps.
var assetsHash = func() string {
	h := sha256.New()
	for _, n := range assetNames {
		b, _ := assets.ReadFile("assets/" + n)
		h.Write(b)
	}
	h.Write([]byte(pageSource))
	h.Write([]byte(indexSource))
	return hex.EncodeToString(h.Sum(nil))
}()

// writeAssets writes the assets into dir/AssetsDir.
func writeAssets(dir string) error {
	if err := os.MkdirAll(filepath.Join(dir, AssetsDir), 0o755); err != nil {
		return err
	}
	removeTemps(filepath.Join(dir, AssetsDir))
	for _, n := range assetNames {
		b, err := assets.ReadFile("assets/" + n)
		if err != nil {
			return err
		}
		if err := writeFile(filepath.Join(dir, AssetsDir, n), b); err != nil {
			return err
		}
	}
	return nil
}
