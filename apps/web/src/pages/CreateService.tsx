/** Placeholder while the page is built. */
export default function CreateService() {
  return <h1>CreateService</h1>;
}
