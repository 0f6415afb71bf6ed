//! Every format in one zip (deflate): the report as PDF, DOCX and Markdown, the data as
//! JSON, the two tables as CSV, and a `LEESMIJ.txt` saying what each file is.

use std::io::Write;

use leerkring_shared::pack::Pack;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::{outline, ExportError};

const README: &str = "Bezoekpakket van de leerkring\r
\r
bezoekpakket.pdf      Het verslag om te lezen of te printen.\r
bezoekpakket.docx     Hetzelfde verslag als Word-document, om verder te bewerken.\r
bezoekpakket.md       Hetzelfde verslag als platte tekst (Markdown).\r
bezoekpakket.json     Alle gegevens van het pakket, voor andere software\r
                      (schema: docs/visitation-pack.schema.json).\r
deugdentabel.csv      De deugdentabel (te weinig, deugd, te veel), voor Excel.\r
ontwikkelpunten.csv   De ontwikkelpunten met status, criterium en herkomst, voor Excel.\r
\r
De CSV-bestanden gebruiken ; als scheidingsteken (zoals Excel in het Nederlands).\r
Een cel die met =, +, - of @ begon, begint met een ' zodat Excel er geen formule van maakt.\r
Casussen zijn geanonimiseerd; teksten met persoonsgegevens zijn weggelaten (zie bijlage B).\r
";

pub fn render(pack: &Pack) -> Result<Vec<u8>, ExportError> {
    let blocks = outline::outline(pack);
    let title = super::document_title(pack);
    let files: [(&str, Vec<u8>); 7] = [
        ("LEESMIJ.txt", README.as_bytes().to_vec()),
        ("bezoekpakket.pdf", super::pdf::render(&blocks, &title)?),
        ("bezoekpakket.docx", super::docx::render(&blocks, &title)?),
        (
            "bezoekpakket.md",
            super::markdown::render(&blocks).into_bytes(),
        ),
        ("bezoekpakket.json", super::json::render(pack)?),
        ("deugdentabel.csv", super::spreadsheet::virtues(pack)?),
        ("ontwikkelpunten.csv", super::spreadsheet::points(pack)?),
    ];
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in files {
        zip.start_file(name, options)?;
        zip.write_all(&bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}
