//! What the tasks print: step headers and short notes.

use std::io::Write;

/// Prints a step header so a reader of the log sees where each step starts.
pub fn header(title: &str) {
    println!();
    println!("==> {title}");
    flush();
}

/// Prints an indented note under the current step.
pub fn note(message: &str) {
    println!("    {message}");
    flush();
}

/// Flushes stdout, so our lines come before the output of a program we start next.
pub fn flush() {
    // Nothing useful can be done when the terminal is gone.
    let _ = std::io::stdout().flush();
}
