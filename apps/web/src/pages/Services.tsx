/** Placeholder while the page is built. */
export default function Services() {
  return <h1>Services</h1>;
}
