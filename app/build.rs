//! Collects the component styles written with `stylers::style!` into one
//! stylesheet in OUT_DIR; the server inlines it in the page head
//! (`app::COMPONENT_CSS`), so no extra file has to travel with the site.
fn main() {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    stylers::build(Some(format!("{out_dir}/components.css")));
}
