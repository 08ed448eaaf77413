//! Markdown → [`Outline`], with pulldown-cmark (CommonMark and GitHub's
//! extensions): it knows lazy numbering, indentation, loose and tight
//! lists and `> [!NOTE]` far better than a line reader.

use super::{Block, Inline, Item, Outline};
use crate::doc::model::Image;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// A container the reader is inside of.
enum Open {
    List {
        ordered: bool,
        items: Vec<Item>,
    },
    Item {
        text: Option<Inline>,
        blocks: Vec<Block>,
    },
    Quote {
        texts: Vec<Inline>,
    },
}

/// Text being read, with the spans marked in it.
#[derive(Default)]
struct Run {
    line: usize,
    text: String,
    marked: Vec<String>,
    /// Open **bold** spans, innermost last.
    bold: Vec<String>,
}

struct Reader {
    lines: Vec<usize>,
    out: Vec<Block>,
    stack: Vec<Open>,
    run: Option<Run>,
    heading: Option<u8>,
    /// Inside an image: its file, and its alt text so far.
    image: Option<(String, String, usize)>,
    in_code_block: bool,
}

pub fn read(text: &str) -> Outline {
    let mut r = Reader {
        lines: std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect(),
        out: Vec::new(),
        stack: Vec::new(),
        run: None,
        heading: None,
        image: None,
        in_code_block: false,
    };
    let options = Options::ENABLE_GFM | Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        let line = r.line(range.start);
        r.event(event, line);
    }
    r.close_run();
    while !r.stack.is_empty() {
        r.pop();
    }
    Outline { blocks: r.out }
}

impl Reader {
    /// The 1-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        self.lines.partition_point(|&start| start <= offset)
    }

    fn event(&mut self, event: Event<'_>, line: usize) {
        if self.in_code_block {
            if let Event::End(TagEnd::CodeBlock) = event {
                self.in_code_block = false;
            }
            return;
        }
        if let Some((_, alt, _)) = self.image.as_mut() {
            match event {
                Event::Text(t) | Event::Code(t) => alt.push_str(&t),
                Event::End(TagEnd::Image) => self.end_image(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, line),
            Event::End(end) => self.end(end),
            Event::Text(t) => self.text(&t, line, false),
            Event::Code(t) => self.text(&t, line, true),
            Event::SoftBreak | Event::HardBreak => self.text(" ", line, false),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, line: usize) {
        match tag {
            Tag::Heading { level, .. } => {
                self.close_run();
                self.heading = Some(level as u8);
            }
            Tag::Paragraph => self.close_run(),
            Tag::List(first) => {
                self.close_run();
                self.stack.push(Open::List {
                    ordered: first.is_some(),
                    items: Vec::new(),
                });
            }
            Tag::Item => {
                self.close_run();
                self.stack.push(Open::Item {
                    text: None,
                    blocks: Vec::new(),
                });
            }
            Tag::BlockQuote(_) => {
                self.close_run();
                self.stack.push(Open::Quote { texts: Vec::new() });
            }
            Tag::CodeBlock(_) => {
                self.close_run();
                self.in_code_block = true;
            }
            Tag::Strong => self.run(line).bold.push(String::new()),
            Tag::Image { dest_url, .. } => {
                self.image = Some((dest_url.to_string(), String::new(), line));
            }
            _ => {}
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Heading(_) => self.close_run(),
            TagEnd::Paragraph => self.close_run(),
            TagEnd::Strong => {
                if let Some(run) = self.run.as_mut() {
                    if let Some(span) = run.bold.pop() {
                        run.marked.push(span);
                    }
                }
            }
            TagEnd::List(_) | TagEnd::Item | TagEnd::BlockQuote(_) => {
                self.close_run();
                self.pop();
            }
            _ => {}
        }
    }

    fn run(&mut self, line: usize) -> &mut Run {
        self.run.get_or_insert_with(|| Run {
            line,
            ..Run::default()
        })
    }

    fn text(&mut self, text: &str, line: usize, code: bool) {
        let run = self.run(line);
        run.text.push_str(text);
        for span in &mut run.bold {
            span.push_str(text);
        }
        if code {
            run.marked.push(text.to_string());
        }
    }

    fn end_image(&mut self) {
        let Some((file, alt, line)) = self.image.take() else {
            return;
        };
        let alt = crate::doc::model::normalise(&alt);
        self.deliver(Block::Image(Image {
            file: Some(file),
            alt: (!alt.is_empty()).then_some(alt),
            line,
        }));
    }

    /// Ends the text being read and gives it to the block it belongs to.
    fn close_run(&mut self) {
        let Some(run) = self.run.take() else { return };
        let mut inline = Inline::new(run.line, &run.text);
        inline.marked = run.marked;
        if inline.text.is_empty() {
            return;
        }
        if let Some(level) = self.heading.take() {
            self.deliver(Block::Heading {
                level,
                text: inline,
            });
            return;
        }
        match self.stack.last_mut() {
            Some(Open::Item {
                text: text @ None, ..
            }) => *text = Some(inline),
            Some(Open::Quote { texts }) => texts.push(inline),
            _ => self.deliver(Block::Paragraph(inline)),
        }
    }

    /// Closes the innermost container.
    fn pop(&mut self) {
        match self.stack.pop() {
            Some(Open::List { ordered, items }) => self.deliver(Block::List { ordered, items }),
            Some(Open::Item { text, blocks }) => {
                let item = Item {
                    text: text.unwrap_or_default(),
                    blocks,
                };
                if let Some(Open::List { items, .. }) = self.stack.last_mut() {
                    items.push(item);
                }
            }
            Some(Open::Quote { texts }) => {
                let Some(first) = texts.first() else { return };
                let mut note = Inline::new(
                    first.line,
                    &texts
                        .iter()
                        .map(|t| t.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                );
                note.marked = texts.into_iter().flat_map(|t| t.marked).collect();
                self.deliver(Block::Note(note));
            }
            None => {}
        }
    }

    fn deliver(&mut self, block: Block) {
        match self.stack.last_mut() {
            Some(Open::Item { blocks, .. }) => blocks.push(block),
            Some(Open::Quote { texts }) => {
                if let Block::Paragraph(t) | Block::Note(t) = block {
                    texts.push(t);
                }
            }
            Some(Open::List { .. }) | None => self.out.push(block),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::doc::outline::build;

    fn ids(md: &str) -> Vec<String> {
        build(super::read(md), "x.md")
            .steps_to_transcribe()
            .map(|s| s.id.clone())
            .collect()
    }

    #[test]
    fn lazy_and_repeated_numbering_count_by_position() {
        assert_eq!(ids("# Go\n\n1. a\n1. b\n1. c\n"), ["go.1", "go.2", "go.3"]);
        assert_eq!(ids("# Go\n\n3. a\n7. b\n"), ["go.1", "go.2"]);
        // A list broken by a paragraph goes on under the same heading.
        assert_eq!(
            ids("# Go\n\n1. a\n2. b\n\nThen:\n\n3. c\n\n## Next\n\n1. d\n"),
            ["go.1", "go.2", "go.3", "next.1"]
        );
    }

    #[test]
    fn code_blocks_and_bullets_outside_a_list_are_not_steps() {
        assert_eq!(
            ids("# Go\n\n```\n1. not a step\n```\n\n- a bullet\n"),
            Vec::<String>::new()
        );
    }
}
