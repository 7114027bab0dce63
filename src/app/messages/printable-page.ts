import PDFDocument from "pdfkit";

/** A page to print: a heading and paragraphs, as HTML (opens in any browser) and as a PDF. */
export interface PrintablePage {
  title: string;
  /** Paragraphs; `*bold*` at the start of a line makes that line a heading. */
  lines: string[];
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function pageHtml(page: PrintablePage): string {
  const body = page.lines
    .map((line) => (line ? `<p>${escapeHtml(line).replace(/\*([^*]+)\*/g, "<strong>$1</strong>")}</p>` : ""))
    .join("\n");
  return `<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em}h1{font-size:1.6em}
@media print{body{margin:0}}</style></head><body><h1>${escapeHtml(page.title)}</h1>
${body}
</body></html>`;
}

/** The same page as a PDF (pdfkit's built-in Helvetica: no font files to ship). */
export function pagePdf(page: PrintablePage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: "A4", margin: 56, info: { Title: page.title } });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
    doc.font("Helvetica-Bold").fontSize(20).text(page.title).moveDown();
    for (const line of page.lines) {
      const bold = /^\*[^*]+\*$/.test(line);
      doc
        .font(bold ? "Helvetica-Bold" : "Helvetica")
        .fontSize(12)
        .text(line.replace(/\*/g, ""))
        .moveDown(line ? 0.4 : 0.2);
    }
    doc.end();
  });
}
