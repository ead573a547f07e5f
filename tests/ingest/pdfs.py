"""PDFs made in the tests: a first page with a title bar and lines of "text"."""

import functools
import io

from PIL import Image, ImageDraw


@functools.cache
def paper_pdf(title: str = "A Paper", *, pages: int = 2) -> bytes:
    """A US-letter PDF (612×792 pt) whose first page has a dark title block (made once)."""
    images = []
    for number in range(pages):
        page = Image.new("RGB", (612, 792), "white")
        draw = ImageDraw.Draw(page)
        if number == 0:
            draw.rectangle((72, 60, 540, 110), fill=(20, 40, 120))
            draw.text((80, 75), title, fill="white")
        for y in range(150, 740, 14):
            draw.line((72, y, 540 - (y * 7) % 90, y), fill=(90, 90, 90), width=2)
        images.append(page)
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=72.0, save_all=True, append_images=images[1:])
    return out.getvalue()
