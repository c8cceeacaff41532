package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
)

// Small attachments made in code: a one-page PDF, PNG images and a CSV
// table, deterministic for a given random source.

// pdfFile returns a minimal valid PDF 1.4 with one page showing lines of
// text in Helvetica, with a correct cross-reference table.
func pdfFile(title string, lines []string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 18 Tf 72 720 Td (" + pdfEscape(title) + ") Tj /F1 11 Tf\n")
	for _, l := range lines {
		content.WriteString("0 -18 Td (" + pdfEscape(l) + ") Tj\n")
	}
	content.WriteString("ET\n")
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] " +
			"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return b.Bytes()
}

func pdfEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(s)
}

// pngFile returns a w x h PNG with a pattern in colours drawn from r.
func pngFile(r *rand.Rand, w, h int) []byte {
	c1 := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
	c2 := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
	step := 2 + r.IntN(6)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := c1
			if (x/step+y/step)%2 == 0 {
				c = c2
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		panic("demo: png: " + err.Error()) // writing to a buffer cannot fail
	}
	return b.Bytes()
}

// csvFile returns a small expense table.
func csvFile(r *rand.Rand) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"date", "item", "amount", "note"})
	for i := 0; i < 5+r.IntN(10); i++ {
		w.Write([]string{
			fmt.Sprintf("2024-%02d-%02d", 1+r.IntN(12), 1+r.IntN(28)),
			pick(r, subjectTopics),
			fmt.Sprintf("%d.%02d", r.IntN(900), r.IntN(100)),
			pick(r, []string{"", "paid", "refund, see \"ticket\"", "Müller, J."}),
		})
	}
	w.Flush()
	return b.Bytes()
}
